//! Facts derived across items: sponsors <-> partners, section order, tags, academic years and
//! their figures.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::fxhash::FxHashMap as HashMap;

use super::{Figures, Item, ItemData, Section, Sponsorship, Tag, Year};
use crate::codes::Code;
use crate::content::fields::ItemFm;
use crate::content::{Content, ItemSrc};
use crate::diagnostic::{Diagnostics, did_you_mean};
use crate::t;
use crate::text::slugify;
use crate::toml_errors::TomlSource;

/// Resolves every activity's sponsors to partners, and gives each partner its contributions.
/// `srcs` are the items' files, in the same order as `items`.
pub fn sponsors(content: &Content, srcs: &[&Arc<ItemSrc>], items: &mut [Item], errors: &mut Diagnostics) {
    let partners: HashMap<&str, usize> = items
        .iter()
        .enumerate()
        .filter(|(_, i)| matches!(i.data, ItemData::Partner(_)))
        .map(|(n, i)| (i.id.as_str(), n))
        .collect();
    let all_partner_ids: Vec<&str> =
        content.items.iter().filter(|i| matches!(i.fm, ItemFm::Partner(_))).map(|i| i.id.as_str()).collect();
    // A partner whose file could not be read has its own error; naming it is not another one.
    let unreadable_partners: Vec<&str> = content
        .unreadable
        .iter()
        .filter(|u| u.kind == crate::content::fields::Kind::Partners)
        .map(|u| u.id.as_str())
        .collect();
    let mut found: Vec<Sponsorship> = Vec::new();
    for (n, src) in srcs.iter().enumerate() {
        let ItemFm::Activity(fm) = &src.fm else { continue };
        // Made only for a message (its description is two allocations).
        let tsrc = || TomlSource {
            path: &src.source,
            file: &src.split.text,
            text: src.split.front_matter(),
            first_line: src.split.fm_line,
            what: crate::content::fields::Kind::Activities.front_matter_text(),
        };
        for (k, s) in fm.sponsors.iter().enumerate() {
            match partners.get(s.partner.as_str()) {
                Some(&p) => {
                    found.push(Sponsorship { partner: p, activity: n, amount: s.amount, goods: s.goods.clone() })
                }
                None => {
                    // The same id may be named twice: point at this occurrence.
                    let occurrence = fm.sponsors[..k].iter().filter(|x| x.partner == s.partner).count();
                    let needle = format!("\"{}\"", s.partner);
                    if unreadable_partners.contains(&s.partner.as_str()) {
                        continue;
                    }
                    if all_partner_ids.contains(&s.partner.as_str()) {
                        errors.push(
                            tsrc()
                                .at_text(
                                    Code::DraftSponsor,
                                    &needle,
                                    occurrence,
                                    t!("sponsor `{}` is a draft partner", "赞助方 `{}` 是草稿", s.partner),
                                )
                                .hint(t!(
                                    "publish the partner (remove draft = true from its file) or build with --drafts",
                                    "发布这个合作伙伴（删除其文件中的 draft = true），或用 --drafts 构建"
                                )),
                        );
                        continue;
                    }
                    let d = tsrc().at_text(
                        Code::UnknownSponsor,
                        &needle,
                        occurrence,
                        t!(
                            "unknown sponsor `{}`: no partner has this id",
                            "未知的赞助方 `{}`：没有合作伙伴的 id 是它",
                            s.partner
                        ),
                    );
                    let hint = match did_you_mean(&s.partner, partners.keys().copied()) {
                        Some(close) => t!(
                            "did you mean `{close}`? A partner's id is its file name in content/partners/ without .md",
                            "是不是想写 `{close}`？合作伙伴的 id 就是它在 content/partners/ 中的文件名（不含 .md）"
                        ),
                        None => t!(
                            "a partner's id is its file name in content/partners/ without .md; add the partner or fix the id",
                            "合作伙伴的 id 就是它在 content/partners/ 中的文件名（不含 .md）；请添加该合作伙伴或改正 id"
                        ),
                    };
                    errors.push(d.hint(hint));
                }
            }
        }
    }
    for s in &found {
        items[s.activity].sponsors.push(s.clone());
    }
    for s in found {
        let p = &mut items[s.partner];
        p.total_cash += s.amount.unwrap_or(0);
        p.goods_count += usize::from(s.goods.is_some());
        p.sponsored.push(s);
    }
    // A partner's contributions, newest activity first (then by title, then in file order): each
    // partner's short list sorted on its own (a sort of all contributions at once compared
    // titles log(all) times each).
    let mut lists: Vec<Vec<Sponsorship>> = items.iter_mut().map(|p| std::mem::take(&mut p.sponsored)).collect();
    for list in lists.iter_mut().filter(|l| l.len() > 1) {
        sort_contributions(list, items);
    }
    for (p, list) in items.iter_mut().zip(lists) {
        p.sponsored = list;
    }
}

/// Sorts a partner's contributions: newest activity first, then by title, then in file order.
pub fn sort_contributions(list: &mut [Sponsorship], items: &[Item]) {
    let key = |n: usize| (items[n].date, items[n].title.as_str());
    list.sort_by(|a, b| key(b.activity).cmp(&key(a.activity)).then(a.activity.cmp(&b.activity)));
}

/// Every item's index in the order of lists. Sorted once: every list (sections, tags, years,
/// feed, calendar, search) takes its items in this order.
pub fn order(items: &[Item]) -> Vec<usize> {
    use rayon::slice::ParallelSliceMut;
    let mut order: Vec<usize> = (0..items.len()).collect();
    // `compare` is a total order (the source path breaks ties): unstable sorting is deterministic.
    order.par_sort_unstable_by(|&a, &b| compare(&items[a], &items[b]));
    order
}

/// Fills every section's items in list order (newest first, then by weight, then by title) and
/// sorts subsections.
pub fn sort_sections(sections: &mut [Section], items: &[Item], order: &[usize]) {
    for &n in order {
        sections[items[n].section].items.push(n);
    }
    let snapshot: Vec<(i64, String)> = sections.iter().map(|s| (s.weight, s.title.clone())).collect();
    for s in sections.iter_mut() {
        s.subsections.sort_by(|&a, &b| snapshot[a].cmp(&snapshot[b]));
    }
}

/// The order of items in lists (date descending, weight, title, source path).
pub fn compare(a: &Item, b: &Item) -> std::cmp::Ordering {
    let da = a.date.map(|d| d.start());
    let db = b.date.map(|d| d.start());
    db.cmp(&da).then(a.weight.cmp(&b.weight)).then_with(|| a.title.cmp(&b.title)).then_with(|| a.source.cmp(&b.source))
}

/// Tags by slug, each with its items in list order.
pub fn tags(items: &[Item], order: &[usize]) -> Vec<Tag> {
    let mut tags: Vec<Tag> = Vec::new();
    // Few distinct names, many uses: each name is slugified once and names its tag (by index;
    // names with the same slug share one tag, named as first met).
    let mut by_slug: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_name: HashMap<&str, Option<usize>> = HashMap::default();
    for &n in order {
        for name in &items[n].tags {
            let tag = *by_name.entry(name.as_str()).or_insert_with(|| {
                let slug = slugify(name);
                if slug.is_empty() {
                    return None;
                }
                Some(*by_slug.entry(slug.clone()).or_insert_with(|| {
                    tags.push(Tag { name: name.clone(), slug, items: Vec::new() });
                    tags.len() - 1
                }))
            });
            let Some(tag) = tag else { continue };
            let list = &mut tags[tag].items;
            if list.last() != Some(&n) {
                list.push(n);
            }
        }
    }
    // Chinese readers look for 讲座 under J and 赞助 under Z: pinyin order, not code points.
    tags.sort_by_cached_key(|t| (crate::text::pinyin_slug(&t.name), t.slug.clone()));
    tags
}

/// Academic years, newest first, each with its dated items and figures.
pub fn years(items: &[Item], order: &[usize]) -> Vec<Year> {
    let mut map: BTreeMap<i16, Vec<usize>> = BTreeMap::new();
    for &n in order {
        if let Some(a) = items[n].academic {
            map.entry(a.start_year).or_default().push(n);
        }
    }
    map.into_iter()
        .rev()
        .map(|(start_year, list)| {
            let figures = figures(list.iter().map(|&n| &items[n]));
            Year { start_year, items: list, figures }
        })
        .collect()
}

/// Figures of a set of items: activities held, cash and goods raised, partners active.
pub fn figures<'a>(items: impl Iterator<Item = &'a Item>) -> Figures {
    let mut f = Figures::default();
    let mut partners = BTreeSet::new();
    for item in items {
        if let ItemData::Activity(_) = &item.data {
            f.activities += 1;
            for s in &item.sponsors {
                f.cash += s.amount.unwrap_or(0);
                f.goods += usize::from(s.goods.is_some());
                partners.insert(s.partner);
            }
        }
    }
    f.partners = partners.len();
    f
}

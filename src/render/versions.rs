//! The versions a watch render checks pages against, and what changed since the last render.
//!
//! One version per item (its own facts, and apart from them what it shows of other items), per
//! section (its fields, and apart from them its list of items) and per entry of `site`, by
//! session-wide id; a page is reused when the versions of everything it read are the ones it
//! was made with (see `render/memo.rs`).

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use minijinja::Value;

use super::memo::{Memo, Page, Read, SiteEntries, Tracked, hasher, shape_hash};

/// Versions by session-wide id (ids are dense: numbered from 0 as items and sections appear).
#[derive(Debug, Default)]
pub struct ById(Vec<Option<u64>>);

impl ById {
    fn set(&mut self, id: u32, version: u64) {
        let at = id as usize;
        if at >= self.0.len() {
            self.0.resize(at + 1, None);
        }
        self.0[at] = Some(version);
    }

    pub fn get(&self, id: u32) -> Option<u64> {
        self.0.get(id as usize).copied().flatten()
    }
}

/// The versions a render checks pages against: one per item, section and `site` entry.
#[derive(Debug)]
pub struct Versions {
    pub around: u64,
    /// Item index -> session-wide id, and section index -> id.
    pub item_ids: Vec<u32>,
    pub section_ids: Vec<u32>,
    /// Per session-wide id (items and sections share the numbering); an item's own facts.
    pub by_id: ById,
    /// Per item id: what it shows of other items.
    pub around_by_id: ById,
    /// Per section id: the version of its list of items.
    pub lists: ById,
    pub site: Vec<u64>,
    /// Per `site` entry: its length (lists) or 0.
    pub site_len: Vec<u64>,
}

impl Versions {
    /// Computes the versions of this render and gives new items and sections their ids. `last`
    /// is the last render's versions when every list (sections' items, `site`'s lists) holds the
    /// same items as then: their versions are taken, not hashed again.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        memo: &mut Memo,
        around: u64,
        (item_ids, section_ids): (Vec<u32>, Vec<u32>),
        items: &[(u64, u64)],
        sections: &[Value],
        site_value: &SiteEntries,
        now: u64,
        last: Option<&Versions>,
    ) -> Versions {
        if memo.around != around {
            memo.pages.iter_mut().for_each(|page| *page = None);
            memo.fragments.clear();
            memo.around = around;
        }
        let (mut by_id, mut around_by_id, mut lists) = (ById::default(), ById::default(), ById::default());
        for (&id, &(own, shown)) in item_ids.iter().zip(items) {
            by_id.set(id, own);
            around_by_id.set(id, shown);
        }
        for (n, s) in sections.iter().enumerate() {
            let inner = s.downcast_object_ref::<Tracked>().map(|t| &t.inner).unwrap_or(s);
            let (mut fields, mut list) = (hasher(), hasher());
            let kept = last.and_then(|l| l.lists.get(section_ids[n]));
            if let Ok(keys) = inner.try_iter() {
                for k in keys {
                    let h = match k.as_str() == Some("items") {
                        true if kept.is_some() => continue,
                        true => &mut list,
                        false => &mut fields,
                    };
                    shape_hash(&k, &item_ids, h);
                    shape_hash(&inner.get_item(&k).unwrap_or_default(), &item_ids, h);
                }
            }
            by_id.set(section_ids[n], fields.finish());
            lists.set(section_ids[n], kept.unwrap_or_else(|| list.finish()));
        }
        let kept = last.map(|l| &l.site).filter(|s| s.len() == site_value.0.len());
        let site = site_value
            .0
            .iter()
            .enumerate()
            .map(|(n, (k, v))| {
                if *k == "now" {
                    return now;
                }
                if let Some(kept) = kept {
                    return kept[n];
                }
                let mut h = hasher();
                shape_hash(v, &item_ids, &mut h);
                h.finish()
            })
            .collect();
        let site_len = site_value.0.iter().map(|(_, v)| v.len().unwrap_or(0) as u64).collect();
        Versions { around, item_ids, section_ids, by_id, around_by_id, lists, site, site_len }
    }

    /// Reads in session-wide ids.
    pub fn stable(&self, reads: &[Read]) -> Arc<[Read]> {
        reads
            .iter()
            .map(|r| match *r {
                Read::Item(n) => Read::Item(self.item_ids[n as usize]),
                Read::ItemAround(n) => Read::ItemAround(self.item_ids[n as usize]),
                Read::Section(n) => Read::Section(self.section_ids[n as usize]),
                Read::SectionItems(n) => Read::SectionItems(self.section_ids[n as usize]),
                site => site,
            })
            .collect()
    }

    /// The hash of the versions of `reads` (session-wide ids) with the page's own context; None
    /// when something read is gone.
    pub fn seen(&self, own: u64, reads: &[Read]) -> Option<u64> {
        let mut h = hasher();
        (self.around, own).hash(&mut h);
        for r in reads {
            let v = match *r {
                Read::Item(id) | Read::Section(id) => self.by_id.get(id)?,
                Read::ItemAround(id) => self.around_by_id.get(id)?,
                Read::SectionItems(id) => self.lists.get(id)?,
                Read::Site(n) => *self.site.get(n as usize)?,
                Read::SiteLen(n) => *self.site_len.get(n as usize)?,
            };
            (r, v).hash(&mut h);
        }
        Some(h.finish())
    }

    /// The bytes of job `job`'s page as the last render made it, if nothing it read changed:
    /// known from `changed` when none of its reads is there, else by hashing their versions.
    pub fn reuse(&self, memo: &Memo, job: usize, own: u64, changed: Option<&Changed>) -> Option<bytes::Bytes> {
        let page = memo.pages.get(job)?.as_ref()?;
        if let Some(changed) = changed
            && page.own == own
            && !changed.any(&page.reads)
        {
            return Some(page.bytes.clone());
        }
        (self.seen(own, &page.reads)? == page.seen).then(|| page.bytes.clone())
    }

    /// What to remember of a page just rendered.
    pub fn page(&self, own: u64, reads: &[Read], bytes: bytes::Bytes) -> Option<Page> {
        let reads = self.stable(reads);
        let seen = self.seen(own, &reads)?;
        Some(Page { reads, seen, own, bytes })
    }
}

/// The reads (session-wide ids) whose versions differ between two renders' [`Versions`]; a read
/// of something the earlier render did not have counts as changed.
pub struct Changed {
    ids: Vec<bool>,
    around: Vec<bool>,
    lists: Vec<bool>,
    site: Vec<bool>,
    site_len: Vec<bool>,
}

impl Changed {
    /// What changed from `old` to `new` (None when everything may have: another `around`).
    pub fn between(old: &Versions, new: &Versions) -> Option<Changed> {
        if old.around != new.around {
            return None;
        }
        let differ = |old: &ById, new: &ById| {
            (0..old.0.len().max(new.0.len())).map(|id| old.0.get(id) != new.0.get(id)).collect::<Vec<bool>>()
        };
        let by_index = |old: &[u64], new: &[u64]| {
            (0..old.len().max(new.len())).map(|n| old.get(n) != new.get(n)).collect::<Vec<bool>>()
        };
        Some(Changed {
            ids: differ(&old.by_id, &new.by_id),
            around: differ(&old.around_by_id, &new.around_by_id),
            lists: differ(&old.lists, &new.lists),
            site: by_index(&old.site, &new.site),
            site_len: by_index(&old.site_len, &new.site_len),
        })
    }

    /// Whether any of `reads` changed.
    pub fn any(&self, reads: &[Read]) -> bool {
        let at = |marks: &[bool], n: u32| marks.get(n as usize).copied().unwrap_or(true);
        reads.iter().any(|r| match *r {
            Read::Item(id) | Read::Section(id) => at(&self.ids, id),
            Read::ItemAround(id) => at(&self.around, id),
            Read::SectionItems(id) => at(&self.lists, id),
            Read::Site(n) => at(&self.site, n.into()),
            Read::SiteLen(n) => at(&self.site_len, n.into()),
        })
    }
}

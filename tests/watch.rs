//! `liaison watch`: every rebuild leaves exactly the bytes a clean `liaison build` of the same
//! files writes, whatever editors do (named regressions and random edit sequences).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::Site;
use common::running::Running;

const NOW: &str = "2018-09-15";

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// The watched output equals a clean build of the same sources.
fn assert_same_as_clean_build(site: &Site) {
    let clean = tempfile::tempdir().unwrap();
    let out = clean.path().join("public");
    site.cmd(&["build", "--now", NOW, "--out", out.to_str().unwrap()]).assert().success();
    let (watched, fresh) = (tree(&site.public()), tree(&out));
    let watched_names: Vec<&String> = watched.keys().collect();
    let fresh_names: Vec<&String> = fresh.keys().collect();
    assert_eq!(watched_names, fresh_names, "the watched output has other files than a clean build");
    for (name, bytes) in &fresh {
        assert!(watched[name] == *bytes, "{name} differs from a clean build");
    }
}

fn watch(site: &Site) -> Running {
    let mut w = Running::start(site.root(), &["watch", "--now", NOW]);
    assert!(w.seen.iter().any(|l| l.starts_with("Rebuilt (initial build)")), "{:?}", w.seen);
    w.quiet_for(150);
    w
}

fn edit(site: &Site, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(site.root().join(rel)).unwrap();
    assert!(text.contains(from), "{from} not in {rel}");
    site.write(rel, &text.replacen(from, to, 1));
}

#[test]
fn an_edit_rewrites_only_what_changed() {
    let site = Site::fixture("basic");
    let mut w = watch(&site);
    edit(&site, "content/activities/讲座.md", "讲座邀请了校友", "讲座邀请了多位校友");
    let line = w.next_build().unwrap();
    assert!(line.starts_with("Rebuilt (content/activities/讲座.md): 23 pages, "), "{line}");
    let written: usize = line.split(", ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(written < 10, "a body edit should not rewrite the whole site: {line}");
    assert!(line.ends_with(" ms"), "{line}");
    assert_same_as_clean_build(&site);
}

/// A copied file (a photo) is compared with its source by length and modification time, which
/// the copy carries, not by reading both on every rebuild; a photo replaced by another of the
/// same length is still copied again.
#[test]
fn a_replaced_photo_is_copied_again_and_an_unchanged_one_is_not_read() {
    let site = Site::fixture("basic");
    let mut w = watch(&site);
    let (source, copy) =
        ("content/activities/2018-gala/cover.svg", site.public().join("activities/2018-gala/cover.svg"));
    let modified = |p: &std::path::Path| std::fs::metadata(p).unwrap().modified().unwrap();
    assert_eq!(modified(&copy), modified(&site.root().join(source)), "the copy carries its source's time");
    let old = std::fs::read_to_string(site.root().join(source)).unwrap();
    let new: String = old.chars().map(|c| if c == '0' { '1' } else { c }).collect();
    assert_ne!(old, new, "the test photo has a digit 0 to change");
    assert_eq!(old.len(), new.len());
    std::thread::sleep(std::time::Duration::from_millis(20));
    site.write(source, &new);
    let line = w.next_build().unwrap();
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), new, "{line}");
    edit(&site, "content/activities/讲座.md", "讲座邀请了校友", "讲座邀请了多位校友");
    let line = w.next_build().unwrap();
    assert!(!line.contains("cover.svg"), "{line}");
    assert_eq!(modified(&copy), modified(&site.root().join(source)));
    assert_same_as_clean_build(&site);
}

#[test]
fn renaming_a_file_removes_its_old_page() {
    let site = Site::fixture("basic");
    let mut w = watch(&site);
    std::fs::rename(
        site.root().join("content/activities/讲座.md"),
        site.root().join("content/activities/2019-talk.md"),
    )
    .unwrap();
    w.next_build().unwrap();
    assert!(!site.public().join("activities/讲座").exists());
    assert!(site.public().join("activities/2019-talk/index.html").exists());
    assert_same_as_clean_build(&site);
}

#[test]
fn changing_a_slug_moves_the_page() {
    let site = Site::fixture("basic");
    let mut w = watch(&site);
    edit(
        &site,
        "content/activities/2018-sports.md",
        "title = \"运动会\"",
        "title = \"运动会\"\r\nslug = \"sports-2018\"",
    );
    w.next_build().unwrap();
    assert!(site.public().join("activities/sports-2018/index.html").exists());
    assert!(!site.public().join("activities/2018-sports").exists());
    assert_same_as_clean_build(&site);
}

#[test]
fn toggling_draft_hides_and_shows_everywhere() {
    let site = Site::fixture("basic");
    let mut w = watch(&site);
    edit(&site, "content/activities/draft-plan.md", "draft = true", "draft = false");
    w.next_build().unwrap();
    assert!(site.public().join("activities/draft-plan/index.html").exists());
    assert_same_as_clean_build(&site);
    edit(&site, "content/activities/draft-plan.md", "draft = false", "draft = true");
    w.next_build().unwrap();
    assert!(!site.public().join("activities/draft-plan").exists());
    assert!(!site.read("partners/bank/index.html").contains("99999"));
    assert_same_as_clean_build(&site);
}

#[test]
fn renaming_a_partner_updates_every_page_that_names_it() {
    let site = Site::fixture("basic");
    let mut w = watch(&site);
    edit(&site, "content/partners/bank.md", "name = \"兴业银行\"", "name = \"兴业银行大学城支行\"");
    w.next_build().unwrap();
    assert!(site.read("activities/2018-gala/index.html").contains("兴业银行大学城支行"));
    assert!(site.read("activities/2018-sports/index.html").contains("兴业银行大学城支行"));
    assert!(site.read("index.html").contains("兴业银行大学城支行"));
    assert_same_as_clean_build(&site);
}

#[test]
fn switching_theme_rebuilds_everything() {
    let site = Site::fixture("basic");
    let mut w = watch(&site);
    edit(&site, "site.toml", "theme = \"test\"", "theme = \"child\"");
    w.next_build().unwrap();
    assert!(site.read("about/index.html").contains("child 关于我们"));
    assert_same_as_clean_build(&site);
}

#[test]
fn a_theme_template_change_rerenders_the_pages_using_it() {
    let site = Site::fixture("basic");
    let mut w = watch(&site);
    site.write(
        "themes/test/templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>找不到</h1>{% endblock %}",
    );
    w.next_build().unwrap();
    assert!(site.read("404.html").contains("找不到"));
    assert_same_as_clean_build(&site);
}

#[test]
fn editor_habits_do_not_break_the_watcher() {
    let site = Site::fixture("basic");
    let mut w = watch(&site);
    // Vim: swap file and the 4913 probe; neither is published nor a reason to fail.
    site.write("content/activities/.讲座.md.swp", "binary junk \u{0}");
    site.write("content/activities/4913", "");
    site.write("content/activities/讲座.md~", "+++\nbroken");
    std::fs::remove_file(site.root().join("content/activities/4913")).unwrap();
    // Atomic save: write a temporary file, then rename it over the original.
    let text = std::fs::read_to_string(site.root().join("content/activities/讲座.md")).unwrap();
    site.write("content/activities/.讲座.md.tmp", &text.replace("校友", "毕业生"));
    std::fs::rename(
        site.root().join("content/activities/.讲座.md.tmp"),
        site.root().join("content/activities/讲座.md"),
    )
    .unwrap();
    w.next_build().unwrap();
    w.quiet_for(300);
    assert!(site.read("activities/讲座/index.html").contains("毕业生"));
    // A burst of saves ends in the last one.
    for n in 0..10 {
        edit(
            &site,
            "content/reports/2018-2019.md",
            &format!("多次{}", if n == 0 { String::new() } else { (n - 1).to_string() }),
            &format!("多次{n}"),
        );
    }
    w.next_build().unwrap();
    w.quiet_for(500);
    assert!(site.read("reports/2018-2019/index.html").contains("多次9"));
    // A half-written file fails the build and keeps the last good output; the fix rebuilds.
    site.write("content/activities/new.md", "+++\ntitle = \"新活");
    let err = w.next_build().unwrap_err();
    assert!(err.contains("content/activities/new.md"), "{err}");
    assert!(site.public().join("index.html").exists());
    site.write("content/activities/new.md", "+++\ntitle = \"新活动\"\ndate = 2019-04-01\n+++\n");
    w.next_build().unwrap();
    // A folder (a page bundle with its photo) renamed.
    std::fs::rename(
        site.root().join("content/activities/2018-gala"),
        site.root().join("content/activities/2018-new-year"),
    )
    .unwrap();
    w.next_build().unwrap();
    w.quiet_for(300);
    assert!(!site.public().join("activities/2018-gala").exists());
    assert!(site.public().join("activities/2018-new-year/cover.svg").exists());
    assert_same_as_clean_build(&site);
    let published = tree(&site.public());
    assert!(published.keys().all(|k| !k.contains(".swp") && !k.ends_with('~') && !k.contains("4913")));
}

/// A small deterministic random generator (no dependency needed for this).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

#[test]
fn random_edit_sequences_equal_a_clean_build() {
    for seed in [1u64, 2, 3] {
        let site = Site::fixture("basic");
        let mut w = watch(&site);
        let mut rng = Lcg(seed);
        let mut created = 0;
        for _ in 0..8 {
            let activities: Vec<String> = std::fs::read_dir(site.root().join("content/activities"))
                .unwrap()
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".md") && !n.starts_with('_'))
                .collect();
            let pick = &activities[rng.next(activities.len())];
            let rel = format!("content/activities/{pick}");
            match rng.next(6) {
                0 => {
                    created += 1;
                    let partner = ["bank", "florist"][rng.next(2)];
                    site.write(
                        &format!("content/activities/new-{seed}-{created}.md"),
                        &format!("+++\ntitle = \"新活动 {created}\"\ndate = 2019-0{}-01\ntags = [\"新\"]\nsponsors = [{{ partner = \"{partner}\", amount = {} }}]\n+++\n正文 {created}\n", 1 + rng.next(8), 100 * (1 + rng.next(9))),
                    );
                }
                1 => {
                    std::fs::remove_file(site.root().join(&rel)).unwrap();
                }
                2 => {
                    std::fs::rename(
                        site.root().join(&rel),
                        site.root().join(format!("content/activities/moved-{seed}-{}.md", rng.next(1000))),
                    )
                    .unwrap();
                }
                3 => {
                    let text = std::fs::read_to_string(site.root().join(&rel)).unwrap();
                    site.write(&rel, &format!("{text}\n追加一段 {}。\n", rng.next(1000)));
                }
                4 => {
                    let text = std::fs::read_to_string(site.root().join("content/partners/bank.md")).unwrap();
                    site.write(
                        "content/partners/bank.md",
                        &text
                            .replacen("since = ", &format!("weight = {}\nsince = ", rng.next(5)), 1)
                            .replace(&format!("weight = {}\nweight", 0), "weight"),
                    );
                }
                _ => {
                    let text = std::fs::read_to_string(site.root().join(&rel)).unwrap();
                    let toggled = if text.contains("draft = true") {
                        text.replace("draft = true", "draft = false")
                    } else {
                        text.replacen("+++\n", "+++\ndraft = true\n", 1)
                    };
                    site.write(&rel, &toggled);
                }
            }
            let _ = w.next_build();
            w.quiet_for(150);
        }
        // Whatever state the files ended in, if it builds, the output must equal a clean build.
        let clean_ok = site
            .cmd(&["build", "--now", NOW, "--out", site.root().join("clean").to_str().unwrap()])
            .output()
            .unwrap()
            .status
            .success();
        if clean_ok {
            assert_same_as_clean_build(&site);
        }
        drop(w);
    }
}

#[test]
fn a_rebuild_rereads_only_the_changed_file() {
    let site = Site::fixture("basic");
    let opts = liaison::pipeline::BuildOptions {
        root: site.root().to_path_buf(),
        now: Some(NOW.into()),
        ..Default::default()
    };
    let mut caches = liaison::pipeline::Caches::default();
    liaison::pipeline::build_site_cached(&opts, &mut caches).unwrap();
    assert_eq!(caches.content.last_reads, 10, "the first build reads every item (drafts too)");
    liaison::pipeline::build_site_cached(&opts, &mut caches).unwrap();
    assert_eq!(caches.content.last_reads, 0);
    // Make sure the modification time moves even on coarse clocks.
    std::thread::sleep(std::time::Duration::from_millis(20));
    edit(&site, "content/activities/讲座.md", "校友", "校友们");
    let built = liaison::pipeline::build_site_cached(&opts, &mut caches).unwrap();
    assert_eq!(caches.content.last_reads, 1);
    assert!(caches.content.last_walked, "without a list of changed files every stamp is checked");
    assert!(built.site.items.iter().any(|i| i.html.contains("校友们")));
    let published = built.site.items.len();
    assert_eq!(caches.model.last_reused, published - 1, "only the edited item is built again");

    // Told which file changed (as the watch loop does), the load skips the walk of content/.
    std::thread::sleep(std::time::Duration::from_millis(20));
    edit(&site, "content/activities/讲座.md", "校友们", "校友");
    caches.content.only_changed(vec!["content/activities/讲座.md".into()]);
    let built = liaison::pipeline::build_site_cached(&opts, &mut caches).unwrap();
    assert!(!caches.content.last_walked);
    assert_eq!(caches.content.last_reads, 1);
    assert!(built.site.items.iter().any(|i| i.html.contains("校友") && !i.html.contains("校友们")));

    // A new file is not in the last walk: the load walks content/ again and finds it.
    site.write("content/activities/新活动.md", "+++\ntitle = \"新活动\"\ndate = 2018-10-01\n+++\n正文\n");
    caches.content.only_changed(vec!["content/activities/新活动.md".into()]);
    let built = liaison::pipeline::build_site_cached(&opts, &mut caches).unwrap();
    assert!(caches.content.last_walked);
    assert_eq!(built.site.items.len(), published + 1);
}

/// Every stage's cache in one session, edit after edit: each rebuild must equal a clean build of
/// the same files, file for file, and a plain edit must render only the pages that show it.
#[test]
fn cached_rebuilds_equal_clean_builds_after_every_kind_of_edit() {
    use liaison::pipeline::{BuildOptions, Caches};
    let site = Site::fixture("basic");
    let opts = BuildOptions { root: site.root().to_path_buf(), now: Some(NOW.into()), ..Default::default() };
    let mut caches = Caches::default();
    let same_as_clean_at = |caches: &mut Caches, what: &str, opts: &BuildOptions| {
        cached_equals_clean(opts, caches, &format!("after {what}"))
    };
    let same_as_clean = |caches: &mut Caches, what: &str| same_as_clean_at(caches, what, &opts);
    same_as_clean(&mut caches, "the first build");
    let all = caches.render.last_rendered;
    let edits = [
        ("a body edit", "content/activities/讲座.md", "校友", "校友们", true),
        ("a title edit", "content/activities/讲座.md", "职业规划讲座\"", "职业规划讲座（第二场）\"", true),
        // The partner's page lists its activities by title.
        ("a sponsored activity's title", "content/activities/2018-sports.md", "\"运动会\"", "\"秋季运动会\"", true),
        // The sitemap gives its date.
        (
            "an update date",
            "content/activities/2019-lecture-b.md",
            "weight = 1\n",
            "weight = 1\nupdated = 2019-04-01\n",
            true,
        ),
        ("a date that reorders the list", "content/activities/2018-sports.md", "2018-10-20", "2019-06-01", false),
        ("a new tag", "content/activities/2018-sports.md", "\"赞助\"]", "\"赞助\", \"田径\"]", false),
        // The tag's page lists one more item, which it never read before.
        ("a tag another item has", "content/activities/讲座.md", "[\"讲座\"]", "[\"讲座\", \"晚会\"]", false),
        ("a sponsor's amount", "content/activities/2018-sports.md", "amount = 2000", "amount = 2500", false),
        ("a partner's name", "content/partners/bank.md", "兴业银行", "兴业银行股份", true),
        // Only its title moved it: before 九朵玫瑰 in the partners' list.
        ("a name that reorders the list", "content/partners/bank.md", "兴业银行股份", "一流银行", false),
        ("a partner's tier", "content/partners/bank.md", "tier = \"gold\"", "tier = \"silver\"", true),
        ("a round's stage", "content/recruitment/2018-autumn.md", "2018-09-22T19:00:00", "2018-09-12T19:00:00", true),
        (
            "a round's deadline",
            "content/recruitment/2018-autumn.md",
            "closes = 2018-09-20",
            "closes = 2018-09-14",
            true,
        ),
        ("a page's body", "content/about.md", "\n", "\n\n新的一段。\n", true),
        ("a section's intro", "content/activities/_index.md", "+++\n", "+++\n活动一览。\n", true),
        ("a draft published", "content/activities/draft-plan.md", "draft = true", "draft = false", false),
        // Its URL changes, and so do the links other pages make to it (about.md links to it).
        ("a slug", "content/partners/bank.md", "tier = \"silver\"", "tier = \"silver\"\nslug = \"xingye\"", false),
    ];
    for (what, rel, from, to, patched) in edits {
        // Make sure the modification time moves even on coarse clocks.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let text = std::fs::read_to_string(site.root().join(rel)).unwrap();
        let at = text.rfind(from).unwrap_or_else(|| panic!("{from} not in {rel}"));
        site.write(rel, &format!("{}{to}{}", &text[..at], &text[at + from.len()..]));
        caches.content.only_changed(vec![rel.into()]);
        same_as_clean(&mut caches, what);
        // The model patches the site when the edit moved nothing (model/patch.rs), else builds
        // it whole; both must give the clean build's site.
        assert_eq!(caches.model.last_patched, patched, "{what}: patched or not");
        if what == "a body edit" {
            let rendered = caches.render.last_rendered;
            assert!(rendered * 4 < all, "a body edit rendered {rendered} of {all} pages again");
            assert_eq!(caches.render.search.last_tokenized, 1, "the search index reads only the edited page");
        }
    }
    // Time passes while watching: a round opens, a stage is over, the round closes, a new year.
    for now in ["2018-09-10T12:00:00", "2018-09-12T20:00:00", "2018-09-30", "2019-01-02"] {
        let later = BuildOptions { now: Some(now.into()), ..opts.clone() };
        same_as_clean_at(&mut caches, &format!("time passing ({now})"), &later);
        assert!(caches.model.last_patched, "time passing ({now}) moved nothing in the model");
    }
}

/// The department's site (default theme, which shows the year and marks stages that are over)
/// rebuilt through the caches while "now" moves on equals clean builds at each moment.
#[test]
fn cached_rebuilds_follow_the_clock() {
    use liaison::pipeline::{BuildOptions, Caches};
    let site = Site::example();
    let mut caches = Caches::default();
    for now in
        ["2018-08-01", "2018-09-05T12:00:00", "2018-09-20T12:00:00", "2018-12-31T23:00:00", "2019-01-01T01:00:00"]
    {
        let opts = BuildOptions { root: site.root().to_path_buf(), now: Some(now.into()), ..Default::default() };
        cached_equals_clean(&opts, &mut caches, &format!("at {now}"));
    }
}

/// Builds through `caches` and without any, and asserts both give the same files, byte for byte.
fn cached_equals_clean(opts: &liaison::pipeline::BuildOptions, caches: &mut liaison::pipeline::Caches, when: &str) {
    let cached = liaison::pipeline::build_site_cached(opts, caches).unwrap();
    let clean = liaison::pipeline::build_site(opts).unwrap();
    let names = |b: &liaison::pipeline::Built| b.output.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
    assert_eq!(names(&cached), names(&clean), "{when}: other files than a clean build");
    for (a, b) in cached.output.files.iter().zip(&clean.output.files) {
        assert!(a.bytes == b.bytes, "{when}: {} differs from a clean build", a.path);
    }
}

//! The department's own site (repository root: site.toml, content/, themes/default) builds, holds
//! what the design asks for, and publishes nothing private.

mod common;

use common::Site;

fn built() -> Site {
    let site = Site::example();
    site.build(&[]);
    site
}

fn count(site: &Site, dir: &str) -> usize {
    site.output_files()
        .iter()
        .filter(|f| f.starts_with(&format!("{dir}/")) && f.ends_with("/index.html") && !f.contains("/page/"))
        .filter(|f| f.matches('/').count() == 2)
        .count()
}

#[test]
fn has_the_content_the_design_asks_for() {
    let site = built();
    assert!(count(&site, "activities") >= 8, "at least 8 activities");
    assert!(count(&site, "partners") >= 8, "at least 8 partners");
    assert_eq!(count(&site, "recruitment"), 2, "two recruitment rounds");
    assert!(count(&site, "reports") >= 2, "annual reports");
    assert!(site.public().join("about/index.html").exists());
    let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    assert!(toml.matches("[[tiers]]").count() >= 3, "at least 3 tiers");
}

#[test]
fn partner_pages_list_what_they_sponsored() {
    let site = built();
    let bank = site.page("partners/bank/index.html");
    let links = bank.attrs("main a", "href");
    for a in ["/activities/2018-11-jincai-internship/", "/activities/2018-10-sports-meet/"] {
        assert!(links.iter().any(|l| l == a), "bank page links {a}: {links:?}");
    }
    assert!(site.read("partners/bank/index.html").contains("11,000"), "bank total 6,000 + 5,000");
}

#[test]
fn activity_pages_link_their_sponsors() {
    let site = built();
    let links = site.page("activities/2018-10-sports-meet/index.html").attrs("main a", "href");
    for p in ["/partners/bank/", "/partners/eye-hospital/"] {
        assert!(links.iter().any(|l| l == p), "sports meet links {p}: {links:?}");
    }
}

#[test]
fn drafts_and_private_evaluations_are_not_published() {
    let site = built();
    assert!(!site.public().join("activities/2019-12-draft-plan").exists());
    // Names from the seed's private evaluations of staff (shared/seed, "下面对干事的评价").
    for f in site.output_files() {
        let bytes = std::fs::read(site.public().join(&f)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for private in ["罗云龙", "程飘飘", "（草稿）"] {
            assert!(!text.contains(private), "{private} in {f}");
        }
    }
}

#[test]
fn builds_under_a_sub_path() {
    let site = Site::example();
    site.build(&["--base-url", "https://x.example.edu.cn/wailian/"]);
    let home = site.page("index.html");
    let links = home.attrs("a[href^='/']", "href");
    assert!(!links.is_empty());
    for l in links {
        assert!(l.starts_with("/wailian/"), "{l} ignores the base path");
    }
    for l in home.attrs("link[href^='/'], img[src^='/'], script[src^='/']", "href") {
        assert!(l.starts_with("/wailian/"), "{l} ignores the base path");
    }
}

#[test]
fn tags_are_listed_in_pinyin_order() {
    let site = built();
    let names: Vec<String> = site
        .page("tags/index.html")
        .texts(".tag-cloud a")
        .iter()
        .map(|t| t.trim_end_matches(|c: char| c.is_ascii_digit()).trim().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "比赛",
            "辩论",
            "公益",
            "讲座",
            "金融",
            "就业",
            "联谊",
            "年度总结",
            "实习",
            "体育",
            "晚会",
            "宣传",
            "迎新",
            "赞助",
            "招新"
        ],
        "bi, bian, gong, jiang, jin, jiu, lian, nian, shi, ti, wan, xuan, ying, zan, zhao"
    );
}

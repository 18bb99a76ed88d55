//! `liaison new`: the file lands in the right section, pre-filled, and builds at once.

mod common;

use common::Site;

fn new(site: &Site, args: &[&str]) -> (i32, String, String) {
    let mut a = vec!["new"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--now", "2018-12-20"]);
    let out = site.cmd(&a).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn new_activity_from_a_chinese_title_gets_a_pinyin_date_prefixed_name() {
    let site = Site::example();
    let (code, out, _) = new(&site, &["activity", "元旦晚会"]);
    assert_eq!(code, 0);
    assert_eq!(out, "已创建 content/activities/2018-12-yuan-dan-wan-hui.md（草稿：删除 `draft = true` 即可发布）\n");
    let text = std::fs::read_to_string(site.root().join("content/activities/2018-12-yuan-dan-wan-hui.md")).unwrap();
    assert!(text.contains("title = \"元旦晚会\"\n"));
    assert!(text.contains("date = 2018-12-20\n"));
    assert!(text.contains("# 赞助（可选）"), "fields explained in the site's language");
    // It builds as is, as a draft: hidden by default, shown with --drafts.
    site.build(&[]);
    assert!(!site.public().join("activities/2018-12-yuan-dan-wan-hui").exists());
    site.build(&["--drafts"]);
    assert!(site.public().join("activities/2018-12-yuan-dan-wan-hui/index.html").exists());
}

#[test]
fn every_kind_builds_without_edits() {
    let site = Site::example();
    for (kind, title, file) in [
        ("partner", "Campus Print Shop", "content/partners/campus-print-shop.md"),
        ("round", "2019年春季招新", "content/recruitment/2019-nian-chun-ji-zhao-xin.md"),
        ("page", "联系我们", "content/lian-xi-wo-men.md"),
    ] {
        let (code, _, err) = new(&site, &[kind, title]);
        assert_eq!(code, 0, "{err}");
        assert!(site.root().join(file).exists(), "{file}");
    }
    let round = std::fs::read_to_string(site.root().join("content/recruitment/2019-nian-chun-ji-zhao-xin.md")).unwrap();
    assert!(round.contains("opens = 2018-12-20\ncloses = 2019-01-03\n"), "{round}");
    site.build(&["--drafts"]);
    assert!(site.public().join("partners/campus-print-shop/index.html").exists());
    assert!(site.public().join("recruitment/2019-nian-chun-ji-zhao-xin/index.html").exists());
    assert!(site.public().join("lian-xi-wo-men/index.html").exists());
}

#[test]
fn slug_flag_and_refusing_to_overwrite() {
    let site = Site::example();
    let (code, out, _) = new(&site, &["activity", "元旦晚会", "--slug", "2018-gala"]);
    assert_eq!(code, 0);
    assert!(out.contains("content/activities/2018-gala.md"));
    let before = std::fs::read(site.root().join("content/activities/2018-gala.md")).unwrap();
    let (code, _, err) = new(&site, &["activity", "别的标题", "--slug", "2018-gala"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "错误[E101]: 这个文件已经存在；liaison new 不会覆盖文件\n--> content/activities/2018-gala.md\n |\n提示: 换一个标题，或用 --slug 指定新的文件名\n\n"
    );
    let out =
        site.cmd(&["new", "activity", "别的标题", "--slug", "2018-gala"]).env("LIAISON_LANG", "en").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error[E101]: this file already exists; liaison new never overwrites\n--> content/activities/2018-gala.md\n |\nhelp: choose another title, or pass --slug with a new name\n\n"
    );
    assert_eq!(std::fs::read(site.root().join("content/activities/2018-gala.md")).unwrap(), before);
}

#[test]
fn a_title_without_letters_needs_a_slug() {
    let site = Site::example();
    let (code, _, err) = new(&site, &["page", "！！！"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "错误[E100]: 无法从 `！！！` 生成文件名\n--> content\n |\n提示: 用 --slug 指定一个，例如 --slug new-year-gala\n\n"
    );
    let out = site.cmd(&["new", "page", "！！！"]).env("LIAISON_LANG", "en").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error[E100]: cannot make a file name from `！！！`\n--> content\n |\nhelp: give one with --slug, e.g. --slug new-year-gala\n\n"
    );
}

#[test]
fn an_archetype_replaces_the_template() {
    let site = Site::example();
    site.write(
        "archetypes/page.md",
        "+++\ntitle = \"{title}\"\ndate = {date}\ndraft = true\n[extra]\nfrom_archetype = true\n+++\n",
    );
    let (code, _, _) = new(&site, &["page", "Notice", "--slug", "notice"]);
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(site.root().join("content/notice.md")).unwrap();
    assert_eq!(text, "+++\ntitle = \"Notice\"\ndate = 2018-12-20\ndraft = true\n[extra]\nfrom_archetype = true\n+++\n");
}

#[test]
fn english_sites_get_english_comments() {
    let site = Site::example();
    let toml = std::fs::read_to_string(site.root().join("site.toml"))
        .unwrap()
        .replace("language = \"zh-CN\"", "language = \"en\"");
    site.write("site.toml", &toml);
    let (code, _, _) = new(&site, &["activity", "Spring Concert"]);
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(site.root().join("content/activities/2018-12-spring-concert.md")).unwrap();
    assert!(text.contains("# Sponsors (optional)"));
    assert!(!text.chars().any(liaison::text::is_cjk));
}

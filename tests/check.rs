//! `liaison check`: build errors plus links, anchors and warnings, grouped by file; writes nothing.

mod common;

use common::Site;

fn check(site: &Site, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["check", "--now", "2018-09-15"];
    args.extend_from_slice(extra);
    let out = site.cmd(&args).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// `check` in the site's language (Chinese) and in English, for exact-text snapshots.
fn check_both(site: &Site, extra: &[&str]) -> (i32, String) {
    let (code, zh) = check(site, extra);
    let mut args = vec!["check", "--now", "2018-09-15"];
    args.extend_from_slice(extra);
    let out = site.cmd(&args).env("LIAISON_LANG", "en").output().unwrap();
    let en = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(code), "{en}");
    (code, format!("{zh}\n----- LIAISON_LANG=en -----\n\n{en}"))
}

#[test]
fn the_example_site_checks_clean_and_writes_nothing() {
    let site = Site::example();
    let (code, out) = check(&site, &["--deny-warnings"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "检查完毕：0 个错误，0 个警告。\n");
    assert!(!site.public().exists(), "check writes nothing");
}

#[test]
fn a_link_to_a_missing_anchor_is_an_error_with_its_line() {
    let site = Site::fixture("basic");
    let gala = "content/activities/2018-gala/index.md";
    let text = std::fs::read_to_string(site.root().join(gala)).unwrap();
    site.write(gala, &text.replace("bank.md#history", "bank.md#histroy"));
    site.build(&[]); // a build does not look at anchors
    let (code, out) = check_both(&site, &[]);
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_link_to_a_missing_anchor_on_the_same_page_is_an_error() {
    let site = Site::fixture("basic");
    let about = "content/about.md";
    let text = std::fs::read_to_string(site.root().join(about)).unwrap();
    site.write(about, &format!("{text}\n见[职责](#部门职责)与[制度](#没有这节)。\n"));
    let (code, out) = check(&site, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("错误[E111]: 链接到不存在的锚点：/wailian/about/#没有这节"), "{out}");
    assert!(!out.contains("/wailian/about/#部门职责"), "an existing heading is fine: {out}");
}

#[test]
fn a_link_to_a_page_that_does_not_exist_is_an_error() {
    let site = Site::fixture("basic");
    let about = "content/about.md";
    let text = std::fs::read_to_string(site.root().join(about)).unwrap();
    site.write(about, &format!("{text}\n见[旧页面](/wailian/old-page/)。\n"));
    let (code, out) = check_both(&site, &[]);
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn warnings_for_lonely_partners_big_images_and_late_stages() {
    let site = Site::fixture("basic");
    site.write("content/partners/lonely.md", "+++\nname = \"孤单公司\"\ntier = \"silver\"\n+++\n");
    site.write_bytes("content/images/huge.png", &vec![0u8; 1_300_000]);
    let round = "content/recruitment/2018-autumn.md";
    let text = std::fs::read_to_string(site.root().join(round)).unwrap();
    let (_, stages) = text.split_once("[[stages]]").expect("the fixture round has stages");
    let date = stages.lines().find(|l| l.starts_with("date = ")).expect("a stage date");
    site.write(round, &text.replacen(date, "date = 2018-12-20T19:00:00", 1));
    let (code, out) = check_both(&site, &[]);
    assert_eq!(code, 0, "{out}");
    insta::assert_snapshot!(out);
    let (code, _) = check(&site, &["--deny-warnings"]);
    assert_eq!(code, 1, "--deny-warnings makes warnings fail");
}

#[test]
fn build_errors_are_check_errors_and_json_is_available() {
    let site = Site::fixture("basic");
    let gala = "content/activities/2018-gala/index.md";
    let text = std::fs::read_to_string(site.root().join(gala)).unwrap();
    site.write(gala, &text.replace("location =", "loaction ="));
    let (code, out) = check(&site, &["--format", "json"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(json["summary"]["errors"], 1);
    assert_eq!(json["errors"][0]["code"], "E004");
    assert_eq!(json["errors"][0]["path"], "content/activities/2018-gala/index.md");
    assert_eq!(json["errors"][0]["line"], 5);
    assert_eq!(json["errors"][0]["message"], "活动的前置信息中有未知字段 `loaction`");
    let out = site.cmd(&["check", "--format", "json"]).env("LIAISON_LANG", "en").output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["errors"][0]["message"], "unknown field `loaction` in activity front matter");
}

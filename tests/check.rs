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

#[test]
fn the_example_site_checks_clean_apart_from_warnings_and_writes_nothing() {
    let site = Site::example();
    let (code, out) = check(&site, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("Checked: 0 errors, 5 warnings.\n"), "{out}");
    assert!(out.contains("== content/recruitment/2018-autumn.md\nwarning: stage `初试`"), "{out}");
    assert!(out.contains("--> content/recruitment/2018-autumn.md:16:1"), "{out}");
    assert!(!site.public().exists(), "check writes nothing");
    let (code, _) = check(&site, &["--deny-warnings"]);
    assert_eq!(code, 1);
}

#[test]
fn a_link_to_a_missing_anchor_is_an_error_with_its_line() {
    let site = Site::fixture("basic");
    let gala = "content/activities/2018-gala/index.md";
    let text = std::fs::read_to_string(site.root().join(gala)).unwrap();
    site.write(gala, &text.replace("bank.md#history", "bank.md#histroy"));
    site.build(&[]); // a build does not look at anchors
    let (code, out) = check(&site, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error: link to an anchor that does not exist: /wailian/partners/bank/#histroy (no heading or element with id \"histroy\")"), "{out}");
    assert!(out.contains("--> content/activities/2018-gala/index.md:14:"), "{out}");
    assert!(out.ends_with("Checked: 1 error, 1 warning.\n"), "{out}");
}

#[test]
fn a_link_to_a_missing_anchor_on_the_same_page_is_an_error() {
    let site = Site::fixture("basic");
    let about = "content/about.md";
    let text = std::fs::read_to_string(site.root().join(about)).unwrap();
    site.write(about, &format!("{text}\n见[职责](#部门职责)与[制度](#没有这节)。\n"));
    let (code, out) = check(&site, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("link to an anchor that does not exist: /wailian/about/#没有这节"), "{out}");
    assert!(!out.contains("#部门职责 "), "an existing heading is fine: {out}");
}

#[test]
fn warnings_for_lonely_partners_and_big_images() {
    let site = Site::fixture("basic");
    site.write("content/partners/lonely.md", "+++\nname = \"孤单公司\"\ntier = \"silver\"\n+++\n");
    site.write_bytes("content/images/huge.png", &vec![0u8; 1_300_000]);
    let (code, out) = check(&site, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warning: no activity names partner `lonely` as a sponsor"), "{out}");
    assert!(out.contains("--> content/partners/lonely.md:2:1"), "{out}");
    assert!(out.contains("warning: image is 1.2 MB"), "{out}");
    assert!(out.contains("== content/images/huge.png"), "{out}");
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
    assert_eq!(json["errors"][0]["path"], "content/activities/2018-gala/index.md");
    assert_eq!(json["errors"][0]["line"], 5);
    assert_eq!(json["errors"][0]["message"], "unknown field `loaction` in activity front matter");
}

//! The default theme takes every UI string from its i18n files: an English site with English
//! content shows no Chinese at all, and a Chinese site formats dates the Chinese way.

mod common;

use common::Site;

fn english_site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let site = Site { dir };
    common::copy_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes"), &site.root().join("themes"));
    site.write(
        "site.toml",
        "title = \"External Relations\"\nbase_url = \"https://er.example.edu/\"\nlanguage = \"en\"\n\
         description = \"Sponsorship and partners\"\n[[tiers]]\nid = \"gold\"\nname = \"Gold\"\n\
         [[menu]]\nname = \"Activities\"\nurl = \"/activities/\"\n[extra]\nemail = \"er@example.edu\"\nmission = \"Serve students\"\n",
    );
    site.write("content/_index.md", "+++\ntitle = \"Welcome\"\n+++\nWe raise sponsorship.\n");
    site.write(
        "content/activities/gala.md",
        "+++\ntitle = \"New Year Gala\"\ndate = 2018-12-30T19:00:00\nlocation = \"Hall\"\ntags = [\"gala\"]\n\
         sponsors = [{ partner = \"bank\", amount = 3000, goods = \"flowers\" }]\n+++\nA gala.\n",
    );
    site.write(
        "content/partners/bank.md",
        "+++\nname = \"Bank\"\ntier = \"gold\"\nwebsite = \"https://bank.example.com/\"\n+++\nA bank.\n",
    );
    site.write(
        "content/recruitment/autumn.md",
        "+++\ntitle = \"Autumn round\"\nopens = 2018-09-10\ncloses = 2018-09-20\napply = \"mailto:er@example.edu\"\n\
         [[positions]]\nname = \"Member\"\nopenings = 5\n[[stages]]\nname = \"Interview\"\ndate = 2018-09-22T19:00:00\n+++\nJoin us.\n",
    );
    site.write("content/reports/2018.md", "+++\ntitle = \"Report 2018\"\ndate = 2019-06-30\n+++\nDone.\n");
    site
}

#[test]
fn an_english_site_shows_no_chinese_ui_text() {
    let site = english_site();
    site.build(&[]);
    let mut checked = 0;
    for f in site.output_files().into_iter().filter(|f| f.ends_with(".html")) {
        let html = site.read(&f);
        let cjk: String = html.chars().filter(|c| liaison::text::is_cjk(*c)).take(20).collect();
        assert!(cjk.is_empty(), "{f} shows Chinese text: {cjk}");
        checked += 1;
    }
    assert!(checked >= 12, "checked {checked} pages");
    let gala = site.read("activities/gala/index.html");
    assert!(gala.contains("Dec 30, 2018"), "English dates");
}

#[test]
fn a_chinese_site_formats_dates_in_chinese() {
    let site = Site::example();
    site.build(&[]);
    assert!(site.read("activities/2018-10-sports-meet/index.html").contains("2018年10月22日"));
    assert!(site.read("index.html").contains("lang=\"zh-CN\""));
}

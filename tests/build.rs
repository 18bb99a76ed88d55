//! `liaison build` on the fixture site `tests/sites/basic`: what an editor and a visitor see.

mod common;

use common::Site;

fn built() -> Site {
    let site = Site::fixture("basic");
    site.build(&[]);
    site
}

#[test]
fn closing_line_reports_pages_and_time() {
    let site = Site::fixture("basic");
    let out = site.build(&[]);
    let line = out.trim();
    // The site is Chinese, so is the closing line; LIAISON_LANG=en switches it to English.
    assert!(line.starts_with("已构建 23 个页面（34 个文件），用时 "), "{line}");
    assert!(line.contains(" ms -> "), "{line}");
    assert_eq!(out.lines().count(), 1);
    let out = site.cmd(&["build", "--now", "2018-09-15"]).env("LIAISON_LANG", "en").output().unwrap();
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(line.starts_with("Built 23 pages (34 files) in "), "{line}");
}

#[test]
fn timings_name_the_stages_and_the_render_steps() {
    let site = Site::fixture("basic");
    let out = site.cmd(&["build", "--now", "2018-09-15"]).env("LIAISON_TIMINGS", "1").output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let names: Vec<&str> = err
        .lines()
        .map(|l| match l.split_once(" ms") {
            Some((_, step)) if !step.trim().is_empty() => step.trim(),
            _ => l.split(':').next().unwrap_or("").trim(),
        })
        .collect();
    let stages = ["config, theme and content", "model", "render and write", "copy files and swap"];
    let steps = ["jobs", "feed, calendars, sitemap, search", "item views", "pages"];
    for name in stages.iter().chain(&steps) {
        assert!(names.contains(name), "{name} missing from:\n{err}");
    }
    // The steps of the render come right after its stage, before the next stage.
    let at = |n: &str| names.iter().position(|x| *x == n).unwrap();
    assert!(at("render and write") < at("jobs") && at("pages") < at("copy files and swap"), "{err}");
}

#[test]
fn pretty_urls_for_every_page_kind() {
    let site = built();
    let files = site.output_files();
    for f in [
        "index.html",
        "404.html",
        "about/index.html",
        "activities/index.html",
        "activities/page/2/index.html",
        "activities/2018-gala/index.html",
        "activities/讲座/index.html",
        "partners/bank/index.html",
        "partners/florist/index.html",
        "recruitment/2018-autumn/index.html",
        "reports/2018-2019/index.html",
        "tags/index.html",
        "tags/赞助/index.html",
        "years/index.html",
        "years/2018-2019/index.html",
        "style.css",
        "images/bank.svg",
        "activities/2018-gala/cover.svg",
    ] {
        assert!(files.contains(&f.to_string()), "missing {f} in {files:#?}");
    }
}

#[test]
fn links_honour_a_base_url_with_a_sub_path() {
    let site = built();
    let home = site.page("index.html");
    assert_eq!(home.attr("link[rel=stylesheet]", "href"), "/wailian/style.css");
    assert_eq!(home.attr("a.menu", "href"), "/wailian/activities/");
    assert_eq!(home.attr("#home", "href"), "/wailian/");
    let gala = site.page("activities/2018-gala/index.html");
    assert_eq!(gala.attr("#cover", "src"), "/wailian/activities/2018-gala/cover.svg");
    assert_eq!(gala.attrs("#sponsors a", "href")[0], "/wailian/partners/bank/");
}

#[test]
fn base_url_flag_overrides_site_toml() {
    let site = Site::fixture("basic");
    site.build(&["--base-url", "https://other.example.org/"]);
    assert_eq!(site.page("index.html").attr("#home", "href"), "/");
}

#[test]
fn markdown_links_to_content_files_become_urls() {
    let site = built();
    let gala = site.page("activities/2018-gala/index.html");
    assert_eq!(gala.attr("#content a", "href"), "/wailian/partners/bank/#history");
    assert_eq!(gala.attr("#content img", "src"), "/wailian/activities/2018-gala/cover.svg");
    let about = site.page("about/index.html");
    assert_eq!(about.attrs("#content p a", "href")[..2], ["/wailian/partners/bank/", "/wailian/reports/"]);
}

#[test]
fn gfm_and_chinese_markdown() {
    let site = built();
    let about = site.page("about/index.html");
    assert_eq!(about.text("#content strong"), "重要：");
    assert_eq!(about.attr("#content h2", "id"), "部门职责");
    assert_eq!(about.count("#content table"), 1);
    assert_eq!(about.text("#content del"), "迟到");
    assert_eq!(about.attr("#content input[type=checkbox]", "checked"), "");
    assert!(about.count("#content .footnotes, #content section[data-footnotes]") >= 1);
    assert!(about.attrs("#content a", "href").contains(&"https://example.com".to_string()));
}

#[test]
fn crlf_bom_and_chinese_file_names() {
    let site = built();
    assert_eq!(site.page("activities/2018-sports/index.html").text("#title"), "运动会");
    assert_eq!(site.page("activities/讲座/index.html").text("#title"), "职业规划讲座");
}

#[test]
fn toml_items_have_no_body() {
    let site = built();
    let florist = site.page("partners/florist/index.html");
    assert_eq!(florist.text("#title"), "九朵玫瑰");
    assert_eq!(florist.text("#content"), "");
}

#[test]
fn lists_sort_by_date_then_weight_then_title_and_paginate() {
    let site = built();
    let first = site.page("activities/index.html");
    assert_eq!(first.texts("#items a"), ["A 讲座", "职业规划讲座"]);
    assert_eq!(first.attr("#pager", "data-total"), "2");
    assert_eq!(first.attr("#next", "href"), "/wailian/activities/page/2/");
    let second = site.page("activities/page/2/index.html");
    assert_eq!(second.texts("#items a"), ["元旦晚会", "运动会"]);
    assert_eq!(second.attr("#prev", "href"), "/wailian/activities/");
}

#[test]
fn section_paginate_overrides_site_setting() {
    let site = Site::fixture("basic");
    site.write("content/activities/_index.md", "+++\ntitle = \"活动\"\npaginate = 10\n+++\n");
    site.build(&[]);
    assert_eq!(site.page("activities/index.html").count("#items li"), 4);
    assert!(!site.public().join("activities/page/2").exists());
}

#[test]
fn partners_list_what_they_sponsored_with_totals() {
    let site = built();
    let bank = site.page("partners/bank/index.html");
    assert_eq!(bank.attr("#total", "data-cash"), "5000");
    assert_eq!(bank.text("#total"), "5,000");
    assert_eq!(bank.attr("#total", "data-goods"), "1");
    assert_eq!(bank.texts("#supported a"), ["元旦晚会", "运动会"]);
    assert_eq!(bank.attr("#tier", "data-id"), "gold");
    let gala = site.page("activities/2018-gala/index.html");
    assert_eq!(gala.attrs("#sponsors li", "data-id"), ["bank", "florist"]);
    assert_eq!(gala.attrs("#sponsors li", "data-goods")[1], "鲜花 20 束");
}

#[test]
fn home_groups_partners_by_tier_and_shows_figures() {
    let site = built();
    let home = site.page("index.html");
    assert_eq!(home.attrs("#tiers li", "data-tier"), ["gold", "silver"]);
    assert_eq!(home.attrs("#tiers img", "alt"), ["兴业银行", "九朵玫瑰"]);
    assert_eq!(home.attr("#totals", "data-activities"), "4");
    assert_eq!(home.attr("#totals", "data-cash"), "5000");
    assert_eq!(home.attr("#totals", "data-goods"), "2");
    assert_eq!(home.attr("#totals", "data-partners"), "2");
    assert_eq!(home.attrs("#years li", "data-label"), ["2018-2019"]);
    assert_eq!(home.text("#motto"), "服务同学");
}

#[test]
fn academic_year_and_semester() {
    let site = built();
    let gala = site.page("activities/2018-gala/index.html");
    assert_eq!(gala.attr("#year", "data-label"), "2018-2019");
    assert_eq!(gala.attr("#year", "data-semester"), "first");
    let lecture = site.page("activities/讲座/index.html");
    assert_eq!(lecture.attr("#year", "data-semester"), "second");
    let year = site.page("years/2018-2019/index.html");
    assert_eq!(year.attr("#title", "data-activities"), "4");
    assert_eq!(year.attr("#title", "data-cash"), "5000");
}

#[test]
fn round_status_follows_now() {
    let site = Site::fixture("basic");
    for (now, status) in
        [("2018-09-01", "upcoming"), ("2018-09-15", "open"), ("2018-09-20T23:00:00", "open"), ("2018-09-21", "closed")]
    {
        site.cmd(&["build", "--now", now]).assert().success();
        let round = site.page("recruitment/2018-autumn/index.html");
        assert_eq!(round.attr("#status", "data-status"), status, "at {now}");
    }
    let round = site.page("recruitment/2018-autumn/index.html");
    assert_eq!(round.attr("#status", "data-opens"), "2018-09-10T00:00:00+08:00");
    assert_eq!(round.attr("#status", "data-closes"), "2018-09-21T00:00:00+08:00");
    assert_eq!(round.attr("#stages li", "data-at"), "2018-09-22T19:00:00+08:00");
    assert_eq!(round.text("#stages li"), "初试 2018年9月22日 19:00 教学楼 A101");
}

#[test]
fn round_status_from_source_date_epoch() {
    let site = Site::fixture("basic");
    // 2018-09-30T00:00:00Z: after the round closed.
    site.cmd(&["build"]).env("SOURCE_DATE_EPOCH", "1538265600").assert().success();
    assert_eq!(site.page("recruitment/2018-autumn/index.html").attr("#status", "data-status"), "closed");
    site.cmd(&["build"]).env("SOURCE_DATE_EPOCH", "1536969600").assert().success();
    assert_eq!(site.page("index.html").attrs("#open-rounds li", "data-status"), ["open"]);
}

#[test]
fn tags_pages_list_tagged_items() {
    let site = built();
    let tag = site.page("tags/赞助/index.html");
    assert_eq!(tag.texts("#items a"), ["元旦晚会", "运动会"]);
    assert_eq!(
        site.page("tags/index.html").texts("#tags a"),
        ["讲座", "体育", "晚会", "赞助"],
        "pinyin order: jiang, ti, wan, zan"
    );
}

#[test]
fn extra_reaches_templates_untouched() {
    let site = built();
    assert_eq!(site.page("activities/2018-gala/index.html").text("#extra"), "800");
}

#[test]
fn summaries_and_reading_time_count_chinese() {
    let site = built();
    let report = site.page("reports/2018-2019/index.html");
    assert_eq!(report.text("#summary"), "本学年共举办活动多次。");
    assert_eq!(report.attr("#words", "data-words"), "10");
    assert_eq!(report.attr("#words", "data-minutes"), "1");
}

#[test]
fn newer_and_older_neighbours() {
    let site = built();
    let gala = site.page("activities/2018-gala/index.html");
    assert_eq!(gala.text("#newer"), "职业规划讲座");
    assert_eq!(gala.text("#older"), "运动会");
}

/// Writes a unique marker into every place that must never be published (drafts of each kind,
/// a draft section, a draft bundle's photo, `_` and `.` files and folders, editor temporaries,
/// HTML comments of every shape) and returns each marker with what `--drafts` does with it.
/// Markers are lower-case letters only, so the search index (which lower-cases and splits
/// words) holds them whole if they leak.
fn seed_private(site: &Site, tier: &str) -> Vec<(&'static str, WithDrafts)> {
    let draft = |rel: &str, text: &str| {
        site.write(rel, text);
    };
    draft(
        "content/activities/zqxdraftfilename.md",
        "+++\ntitle = \"zqxdrafttitle\"\ndate = 2018-10-01\ndraft = true\nlocation = \"zqxdraftlocation\"\n\
         summary = \"zqxdraftsummary\"\ntags = [\"zqxdrafttag\"]\n\
         sponsors = [{ partner = \"bank\", amount = 97531, goods = \"zqxdraftgoods\" }]\n+++\nzqxdraftbody\n",
    );
    draft(
        "content/partners/zqxdraftpartnerid.md",
        &format!("+++\nname = \"zqxdraftpartner\"\ntier = \"{tier}\"\ndraft = true\n+++\nzqxdraftpartnerbody\n"),
    );
    draft(
        "content/recruitment/zqxdraftround.md",
        "+++\ntitle = \"zqxdraftroundtitle\"\nopens = 2018-09-01\ncloses = 2018-12-01\ndraft = true\n\n\
         [[stages]]\nname = \"zqxdraftstage\"\ndate = 2018-09-05\n+++\n",
    );
    draft("content/zqxdraftpage.md", "+++\ntitle = \"zqxdraftpagetitle\"\ndraft = true\n+++\nzqxdraftpagebody\n");
    draft(
        "content/activities/zqxdraftbundle/index.md",
        "+++\ntitle = \"zqxdraftbundletitle\"\ndate = 2018-10-02\ndraft = true\ncover = \"photo.svg\"\n+++\n",
    );
    draft("content/activities/zqxdraftbundle/photo.svg", "<svg><!-- zqxdraftbundlephoto --></svg>");
    draft("content/zqxdraftsection/_index.md", "+++\ntitle = \"zqxdraftsectiontitle\"\ndraft = true\n+++\n");
    draft("content/zqxdraftsection/item.md", "+++\ntitle = \"zqxdraftsectionitem\"\n+++\n");
    draft("content/zqxdraftsection/file.txt", "zqxdraftsectionfile");
    // Private by name.
    for (rel, marker) in [
        ("content/_zqxunderscorefile.md", "zqxunderscorefile"),
        ("content/activities/_notes.md", "zqxunderscoreinsection"),
        ("content/_drafts/plan.md", "zqxunderscoredir"),
        ("content/activities/_old/plan.md", "zqxunderscoresubdir"),
        ("content/.zqxdotfile.md", "zqxdotfile"),
        ("content/.hidden/plan.md", "zqxdotdir"),
        ("content/about.md~", "zqxeditorbackup"),
        ("content/.about.md.swp", "zqxeditorswap"),
        ("content/#about.md#", "zqxemacsautosave"),
        ("content/4913", "zqxvimprobe"),
        ("content/about.md.tmp", "zqxeditortmp"),
    ] {
        site.write(rel, &format!("+++\ntitle = \"{marker}\"\n+++\n{marker}\n"));
    }
    for (rel, marker) in [
        ("content/images/_raw.svg", "zqxunderscoreasset"),
        ("content/images/.env", "zqxdotasset"),
        ("content/activities/zqxhost/_notes.txt", "zqxbundleunderscore"),
        ("content/activities/zqxhost/.notes.txt", "zqxbundledot"),
        ("content/activities/zqxhost/_raw/big.svg", "zqxbundleunderscoredir"),
    ] {
        site.write(rel, marker);
    }
    // HTML comments of every shape, in a published bundle, a section intro and the home page.
    site.write(
        "content/activities/zqxhost/index.md",
        "+++\ntitle = \"zqxvisiblehost\"\ndate = 2018-10-03\n+++\n\
         before <!-- zqxcommentinline --> after zqxvisibletext\n\n\
         <!-- zqxcommentblock -->\n\n\
         <!--\nzqxcommentmulti\n\nstill a comment\n-->\n\n\
         <div>x<!-- zqxcommentinhtml --></div>\n\n\
         ## Heading <!-- zqxcommentheading -->\n\n\
         - item <!-- zqxcommentlist -->\n\n\
         | a |\n|---|\n| b <!-- zqxcommenttable --> |\n\n\
         note[^1]\n\n[^1]: foot <!-- zqxcommentfootnote -->\n\n\
         a paragraph with a note <!-- zqxcommentacross\n\nzqxcommentacrosstoo -->\n\n\
         `<!-- zqxcodespanvisible -->` stays: it is code\n",
    );
    for rel in ["content/_index.md", "content/activities/_index.md"] {
        let text = std::fs::read_to_string(site.root().join(rel)).unwrap();
        site.write(rel, &format!("{text}\n<!-- zqxcommentsection -->\n"));
    }
    let mut markers = Vec::new();
    for m in [
        "zqxdraftfilename",
        "zqxdrafttitle",
        "zqxdraftbody",
        "zqxdraftpartner",
        "zqxdraftroundtitle",
        "zqxdraftpagetitle",
        "zqxdraftbundletitle",
        "zqxdraftbundlephoto",
        "zqxdraftsectiontitle",
        "zqxdraftsectionitem",
        "zqxdraftsectionfile",
    ] {
        markers.push((m, WithDrafts::Published));
    }
    // Fields a theme may or may not show.
    for m in ["zqxdraftlocation", "zqxdraftsummary", "zqxdrafttag", "zqxdraftgoods", "zqxdraftstage", "97531", "97,531"]
    {
        markers.push((m, WithDrafts::Maybe));
    }
    for m in [
        "zqxunderscorefile",
        "zqxunderscoreinsection",
        "zqxunderscoredir",
        "zqxunderscoresubdir",
        "zqxdotfile",
        "zqxdotdir",
        "zqxeditorbackup",
        "zqxeditorswap",
        "zqxemacsautosave",
        "zqxvimprobe",
        "zqxeditortmp",
        "zqxunderscoreasset",
        "zqxdotasset",
        "zqxbundleunderscore",
        "zqxbundledot",
        "zqxbundleunderscoredir",
        "zqxcommentinline",
        "zqxcommentblock",
        "zqxcommentmulti",
        "zqxcommentinhtml",
        "zqxcommentheading",
        "zqxcommentlist",
        "zqxcommenttable",
        "zqxcommentfootnote",
        "zqxcommentsection",
        "zqxcommentacross",
        "zqxcommentacrosstoo",
    ] {
        markers.push((m, WithDrafts::Never));
    }
    markers
}

/// What a build with `--drafts` does with a marker.
#[derive(Clone, Copy, PartialEq)]
enum WithDrafts {
    Published,
    Maybe,
    Never,
}

/// Every output file's path and (lower-cased) text, for grepping.
fn every_output(site: &Site) -> Vec<(String, String)> {
    site.output_files()
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(site.public().join(&f)).unwrap();
            (f.clone(), String::from_utf8_lossy(&bytes).to_lowercase())
        })
        .collect()
}

#[test]
fn drafts_private_files_and_comments_never_reach_the_output() {
    for (site, tier) in [(Site::fixture("basic"), "gold"), (Site::example(), "strategic")] {
        let markers = seed_private(&site, tier);
        site.build(&[]);
        let outputs = every_output(&site);
        // Every kind of output is searched: pages, feed, calendars, sitemap, search index.
        for kind in ["index.html", "atom.xml", "calendar.ics", "sitemap.xml", "search/meta.json"] {
            assert!(outputs.iter().any(|(f, _)| f == kind), "no {kind} to search");
        }
        assert!(outputs.iter().any(|(f, _)| f.starts_with("search/") && f != "search/meta.json"));
        let all_text: String = outputs.iter().map(|(_, t)| t.as_str()).collect();
        assert!(all_text.contains("zqxvisibletext"), "the published page around the comments is there");
        assert!(all_text.contains("zqxcodespanvisible"), "a comment written as code is shown as code");
        for (f, text) in &outputs {
            for (marker, _) in &markers {
                assert!(!text.contains(marker), "{marker} leaked into {f}");
                assert!(!f.to_lowercase().contains(marker), "{marker} leaked into the file name {f}");
            }
        }
        // The fixture's own markers (a draft, a private file, a comment) and its draft's amount.
        for marker in ["secret-draft-marker", "secret-draft-body", "secret-private-marker", "secret-comment-marker"] {
            assert!(!all_text.contains(marker), "{marker} leaked");
        }
        assert!(!site.public().join("activities/draft-plan").exists());
        if tier == "gold" {
            assert!(!all_text.contains("99999") && !all_text.contains("99,999"), "the fixture draft's amount leaked");
        }

        // The search is not vacuous: with --drafts the draft markers are published.
        site.build(&["--drafts"]);
        let drafted: String = every_output(&site).into_iter().map(|(f, t)| f + &t).collect();
        for (marker, with_drafts) in &markers {
            match with_drafts {
                WithDrafts::Published => assert!(drafted.contains(marker), "{marker} not published with --drafts"),
                WithDrafts::Never => assert!(!drafted.contains(marker), "{marker} leaked with --drafts"),
                WithDrafts::Maybe => {}
            }
        }
    }
}

// Regression: a draft bundle's page was left out but its photos were still copied to
// /activities/<bundle>/, published at a guessable address.
#[test]
fn a_draft_bundles_files_are_not_published() {
    let site = Site::fixture("basic");
    site.write("content/activities/plan/index.md", "+++\ntitle = \"计划\"\ndate = 2018-11-01\ndraft = true\n+++\n");
    site.write("content/activities/plan/photo.svg", "<svg/>");
    site.write("content/activities/plan/sub/notes.txt", "notes");
    site.build(&[]);
    assert!(!site.public().join("activities/plan").exists(), "{:?}", site.output_files());
    site.build(&["--drafts"]);
    assert!(site.public().join("activities/plan/photo.svg").exists());
    assert!(site.public().join("activities/plan/sub/notes.txt").exists());
}

#[test]
fn drafts_flag_includes_drafts() {
    let site = Site::fixture("basic");
    site.build(&["--drafts"]);
    assert_eq!(site.page("activities/draft-plan/index.html").text("#title"), "SECRET-DRAFT-MARKER");
    assert_eq!(site.page("partners/bank/index.html").attr("#total", "data-cash"), "104999");
}

#[test]
fn template_field_picks_another_template() {
    let site = Site::fixture("basic");
    site.write("content/about.md", "+++\ntitle = \"关于\"\ntemplate = \"special.html\"\n+++\n");
    site.write("themes/test/templates/special.html", "<p id=\"special\">{{ page.title }}</p>");
    site.build(&[]);
    assert_eq!(site.page("about/index.html").text("#special"), "关于");
}

#[test]
fn child_theme_overrides_one_template_and_inherits_the_rest() {
    let site = Site::fixture("basic");
    let toml = std::fs::read_to_string(site.root().join("site.toml"))
        .unwrap()
        .replace("theme = \"test\"", "theme = \"child\"");
    site.write("site.toml", &toml);
    site.build(&[]);
    assert_eq!(site.page("about/index.html").text("#title"), "child 关于我们");
    assert_eq!(site.page("activities/2018-gala/index.html").text("#title"), "元旦晚会");
    assert!(site.public().join("style.css").exists());
}

/// The default theme writes its footer through `fragment("partials/footer.html", site=site)`: a
/// child theme that overrides only that file changes the footer of every page.
#[test]
fn child_theme_overrides_the_footer_partial_on_every_page() {
    let site = Site::example();
    let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    site.write("site.toml", &toml.replace("theme = \"default\"", "theme = \"mine\""));
    site.write("themes/mine/theme.toml", "name = \"mine\"\nextends = \"default\"\n");
    site.write(
        "themes/mine/templates/partials/footer.html",
        "<footer class=\"mine\">{{ site.title }} · {{ t(\"footer_contact\") }} <a href=\"{{ url('/tags/') }}\">tags</a></footer>",
    );
    site.build(&[]);
    let pages: Vec<String> = site.output_files().into_iter().filter(|f| f.ends_with(".html")).collect();
    assert!(pages.len() > 40, "{pages:?}");
    for f in &pages {
        let page = site.page(f);
        assert_eq!(page.count("body > footer"), 1, "{f}");
        assert_eq!(page.text("footer.mine"), "校学生会外联部 · 联系我们 tags", "{f}");
        assert_eq!(page.attr("footer.mine a", "href"), "/tags/", "{f}");
        // The head links are still the default theme's.
        assert_eq!(page.attrs("link[rel=stylesheet]", "href"), ["/default.css", "/style.css"], "{f}");
    }
}

/// Two clean builds of the same sources in different folders, a second apart (with the files'
/// modification times changed), from different working directories, with one thread and with
/// the default, and with different machine timezones and locales: byte-identical output.
#[test]
fn same_input_same_bytes() {
    for fixture in ["basic", "example"] {
        let make = || if fixture == "example" { Site::example() } else { Site::fixture(fixture) };
        let (a, b) = (make(), make());
        a.cmd(&["build", "--now", "2018-09-15"])
            .current_dir(a.root())
            .env("TZ", "UTC")
            .env("LC_ALL", "C")
            .env_remove("RAYON_NUM_THREADS")
            .assert()
            .success();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        for entry in walkdir::WalkDir::new(b.root()).into_iter().filter_map(Result::ok) {
            if entry.file_type().is_file() {
                let f = std::fs::File::options().append(true).open(entry.path()).unwrap();
                f.set_modified(std::time::SystemTime::now()).unwrap();
            }
        }
        b.cmd(&["build", "--now", "2018-09-15"])
            .current_dir(std::env::temp_dir())
            .env("RAYON_NUM_THREADS", "1")
            .env("TZ", "America/New_York")
            .env("LC_ALL", "zh_CN.UTF-8")
            .assert()
            .success();
        let files = a.output_files();
        assert!(files.len() > 30, "{fixture}: {files:?}");
        assert_eq!(files, b.output_files(), "{fixture}: different files");
        for f in files {
            assert!(
                std::fs::read(a.public().join(&f)).unwrap() == std::fs::read(b.public().join(&f)).unwrap(),
                "{fixture}: {f} differs"
            );
        }
    }
}

#[test]
fn english_site_formats_dates_in_english() {
    let site = Site::fixture("basic");
    let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    site.write("site.toml", &format!("language = \"en\"\n{toml}"));
    site.build(&[]);
    let gala = site.page("activities/2018-gala/index.html");
    assert_eq!(gala.text("#date"), "Dec 30, 2018, 19:00");
    assert_eq!(gala.text("#home"), "Home");
}

#[test]
fn out_flag_writes_elsewhere() {
    let site = Site::fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("site");
    site.cmd(&["build", "--now", "2018-09-15", "--out", target.to_str().unwrap()]).assert().success();
    assert!(target.join("index.html").exists());
    assert!(!site.public().exists());
}

#[test]
fn section_kind_from_index_overrides_the_folder_name() {
    let site = Site::fixture("basic");
    site.write("content/events/_index.md", "+++\ntitle = \"活动（旧）\"\nkind = \"activities\"\n+++\n");
    site.write(
        "content/events/old.md",
        "+++\ntitle = \"旧活动\"\ndate = 2018-11-01\nsponsors = [{ partner = \"bank\", amount = 100 }]\n+++\n",
    );
    site.build(&[]);
    assert_eq!(site.page("events/index.html").attr("#title", "data-template"), "activities");
    assert_eq!(site.page("partners/bank/index.html").attr("#total", "data-cash"), "5100");
}

#[test]
fn folders_without_items_are_plain_files_not_sections() {
    let site = built();
    assert!(!site.public().join("images/index.html").exists());
    assert!(site.public().join("images/bank.svg").exists());
}

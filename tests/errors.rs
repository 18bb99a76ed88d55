//! Bad input: one case per class of mistake an editor makes. Each asserts the exact message
//! (insta snapshot of what the editor sees), the exit code, and that the previous `public/` is
//! untouched.

mod common;

use common::Site;

/// Builds the good fixture, applies `edit`, rebuilds and returns the failed build's stderr after
/// checking exit code 1 and that the previous output is byte-for-byte intact. The failing build
/// runs twice: in the site's language (Chinese) and with `LIAISON_LANG=en`; both texts are
/// returned, so each snapshot holds the message in both languages.
fn fails(edit: impl FnOnce(&Site)) -> String {
    let site = Site::fixture("basic");
    site.build(&[]);
    let before = snapshot_output(&site);
    edit(&site);
    let mut texts = Vec::new();
    for lang in [None, Some("en")] {
        let (code, stderr) = site.build_err_in(lang, &[]);
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(snapshot_output(&site), before, "a failed build changed public/");
        texts.push(stderr);
    }
    format!("{}\n----- LIAISON_LANG=en -----\n\n{}", texts[0], texts[1])
}

fn snapshot_output(site: &Site) -> Vec<(String, Vec<u8>)> {
    site.output_files()
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(site.public().join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

const GALA: &str = "content/activities/2018-gala/index.md";

fn replace(site: &Site, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(site.root().join(rel)).unwrap();
    assert!(text.contains(from), "{from} not in {rel}");
    site.write(rel, &text.replacen(from, to, 1));
}

#[test]
fn unknown_field_suggests_the_closest() {
    let err = fails(|s| replace(s, GALA, "location =", "loaction ="));
    insta::assert_snapshot!(err);
}

#[test]
fn malformed_toml() {
    let err = fails(|s| replace(s, GALA, "title = \"元旦晚会\"", "title = \"元旦晚会"));
    insta::assert_snapshot!(err);
}

#[test]
fn unclosed_front_matter() {
    let err = fails(|s| {
        s.write(
            "content/activities/2018-sports.md",
            "+++\ntitle = \"运动会\"\ndate = 2018-10-20\n运动会在田径场举行。\n",
        );
    });
    insta::assert_snapshot!(err);
}

#[test]
fn missing_front_matter() {
    let err = fails(|s| {
        s.write("content/activities/2018-sports.md", "运动会在田径场举行。\n");
    });
    insta::assert_snapshot!(err);
}

#[test]
fn missing_required_date() {
    let err = fails(|s| replace(s, "content/activities/讲座.md", "date = 2019-03-10\n", ""));
    insta::assert_snapshot!(err);
}

#[test]
fn missing_required_partner_name() {
    let err = fails(|s| replace(s, "content/partners/bank.md", "name = \"兴业银行\"\n", ""));
    insta::assert_snapshot!(err);
}

#[test]
fn wrong_type_for_a_date() {
    let err = fails(|s| replace(s, "content/activities/讲座.md", "date = 2019-03-10", "date = \"tomorrow\""));
    insta::assert_snapshot!(err);
}

/// Written as a date, but no such day: the hint speaks of dates, not of quotes and `=`.
#[test]
fn toml_date_that_does_not_exist() {
    let err = fails(|s| replace(s, "content/activities/讲座.md", "date = 2019-03-10", "date = 2019-13-45"));
    insta::assert_snapshot!(err);
}

#[test]
fn wrong_type_for_an_amount() {
    let err = fails(|s| replace(s, GALA, "amount = 3000", "amount = \"3000元\""));
    insta::assert_snapshot!(err);
}

#[test]
fn round_closes_before_it_opens() {
    let err = fails(|s| replace(s, "content/recruitment/2018-autumn.md", "closes = 2018-09-20", "closes = 2018-09-01"));
    insta::assert_snapshot!(err);
}

#[test]
fn stage_before_the_round_opens() {
    let err = fails(|s| {
        replace(s, "content/recruitment/2018-autumn.md", "date = 2018-09-22T19:00:00", "date = 2018-09-01T19:00:00")
    });
    insta::assert_snapshot!(err);
}

#[test]
fn unknown_tier_suggests_the_closest() {
    let err = fails(|s| replace(s, "content/partners/bank.md", "tier = \"gold\"", "tier = \"glod\""));
    insta::assert_snapshot!(err);
}

#[test]
fn website_must_be_http() {
    let err = fails(|s| replace(s, "content/partners/bank.md", "https://bank.example.com/", "javascript:alert(1)"));
    insta::assert_snapshot!(err);
}

#[test]
fn apply_must_be_a_url_or_mailto() {
    let err = fails(|s| {
        replace(s, "content/recruitment/2018-autumn.md", "mailto:wailian@example.edu.cn", "wailian@example.edu.cn")
    });
    insta::assert_snapshot!(err);
}

#[test]
fn unknown_sponsor_suggests_the_closest_partner() {
    let err = fails(|s| replace(s, GALA, "partner = \"bank\"", "partner = \"bnak\""));
    insta::assert_snapshot!(err);
}

#[test]
fn sponsor_that_is_a_draft_partner() {
    let err = fails(|s| replace(s, "content/partners/florist.toml", "name =", "draft = true\nname ="));
    insta::assert_snapshot!(err);
}

#[test]
fn link_to_a_missing_content_file() {
    let err = fails(|s| replace(s, GALA, "../../partners/bank.md#history", "../../partners/bnak.md"));
    insta::assert_snapshot!(err);
}

#[test]
fn cover_file_missing() {
    let err = fails(|s| replace(s, GALA, "cover = \"cover.svg\"", "cover = \"cover.jpg\""));
    insta::assert_snapshot!(err);
}

#[test]
fn invalid_utf8() {
    let err = fails(|s| {
        s.write_bytes(
            "content/activities/2018-sports.md",
            b"+++\ntitle = \"\xd4\xcb\xb6\xaf\"\ndate = 2018-10-20\n+++\n",
        );
    });
    insta::assert_snapshot!(err);
}

#[test]
fn two_files_claim_one_url() {
    let err = fails(|s| replace(s, "content/activities/讲座.md", "weight = 1", "weight = 1\nslug = \"2018-sports\""));
    insta::assert_snapshot!(err);
}

#[test]
fn slug_with_parent_directory() {
    let err = fails(|s| replace(s, "content/activities/讲座.md", "weight = 1", "weight = 1\nslug = \"../../etc\""));
    insta::assert_snapshot!(err);
}

#[test]
fn template_with_parent_directory() {
    let err =
        fails(|s| replace(s, "content/activities/讲座.md", "weight = 1", "weight = 1\ntemplate = \"../secret.html\""));
    insta::assert_snapshot!(err);
}

#[test]
fn missing_template() {
    let err = fails(|s| replace(s, "content/activities/讲座.md", "weight = 1", "weight = 1\ntemplate = \"nope.html\""));
    insta::assert_snapshot!(err);
}

#[test]
fn template_syntax_error() {
    let err = fails(|s| {
        s.write(
            "themes/test/templates/404.html",
            "{% extends \"base.html\" %}\n{% block main %}\n{{ site.title \n{% endblock %}\n",
        );
    });
    insta::assert_snapshot!(err);
}

#[test]
fn template_uses_an_undefined_variable_on_many_pages() {
    let err = fails(|s| {
        s.write("themes/test/templates/page.html", "<h1>{{ page.title }}</h1>\n<p>{{ nothing.here }}</p>\n");
    });
    insta::assert_snapshot!(err);
}

#[test]
fn template_loops_forever() {
    let err = fails(|s| {
        s.write(
            "themes/test/templates/404.html",
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        );
    });
    insta::assert_snapshot!(err);
}

#[test]
fn template_fragment_of_something_not_a_macro() {
    let err = fails(|s| {
        s.write("themes/test/templates/page.html", "<h1>{{ page.title }}</h1>\n{{ fragment(page.title, page) }}\n");
    });
    insta::assert_snapshot!(err);
}

#[test]
fn template_fragment_each_of_something_not_a_list() {
    let err = fails(|s| {
        s.write(
            "themes/test/templates/page.html",
            "{% macro row(i) %}{{ i }}{% endmacro %}<h1>{{ page.title }}</h1>\n{{ fragment_each(row, 3) }}\n",
        );
    });
    insta::assert_snapshot!(err);
}

#[test]
fn template_fragment_each_of_something_not_a_macro() {
    let err = fails(|s| {
        s.write(
            "themes/test/templates/page.html",
            "<h1>{{ page.title }}</h1>\n{{ fragment_each(page.title, [page]) }}\n",
        );
    });
    insta::assert_snapshot!(err);
}

#[test]
fn template_fragment_each_with_an_unknown_keyword() {
    let err = fails(|s| {
        s.write(
            "themes/test/templates/page.html",
            "{% macro row(i) %}{{ i }}{% endmacro %}<h1>{{ page.title }}</h1>\n{{ fragment_each(row, [1], sep=',') }}\n",
        );
    });
    insta::assert_snapshot!(err);
}

#[test]
fn template_fragment_of_a_template_given_positional_arguments() {
    let err = fails(|s| {
        s.write("themes/test/templates/partials/by.html", "<p>{{ who }}</p>");
        s.write(
            "themes/test/templates/page.html",
            "<h1>{{ page.title }}</h1>\n{{ fragment(\"partials/by.html\", page.title) }}\n",
        );
    });
    insta::assert_snapshot!(err);
}

#[test]
fn template_fragment_of_a_template_with_an_error_names_that_template() {
    let err = fails(|s| {
        s.write("themes/test/templates/partials/by.html", "<p>{{ who }}</p>\n<p>{{ who.name.first }}</p>");
        s.write(
            "themes/test/templates/page.html",
            "<h1>{{ page.title }}</h1>\n{{ fragment(\"partials/by.html\", who=page.title) }}\n",
        );
    });
    insta::assert_snapshot!(err);
}

#[test]
fn theme_not_found() {
    let err = fails(|s| replace(s, "site.toml", "theme = \"test\"", "theme = \"fancy\""));
    insta::assert_snapshot!(err);
}

#[test]
fn theme_extends_itself() {
    let err = fails(|s| {
        s.write("themes/test/theme.toml", "name = \"test\"\nextends = \"test\"\n");
    });
    insta::assert_snapshot!(err);
}

#[test]
fn theme_extends_a_missing_parent() {
    let err = fails(|s| {
        s.write("themes/test/theme.toml", "name = \"test\"\nextends = \"base\"\n");
    });
    insta::assert_snapshot!(err);
}

#[test]
fn site_toml_unknown_field() {
    let err = fails(|s| replace(s, "site.toml", "paginate = 2", "pagenate = 2"));
    insta::assert_snapshot!(err);
}

#[test]
fn site_toml_bad_base_url() {
    let err = fails(|s| replace(s, "site.toml", "https://example.edu.cn/wailian/", "example.edu.cn"));
    insta::assert_snapshot!(err);
}

#[test]
fn all_errors_of_a_build_are_reported_together() {
    let err = fails(|s| {
        replace(s, GALA, "location =", "loaction =");
        replace(s, "content/partners/bank.md", "tier = \"gold\"", "tier = \"glod\"");
        replace(s, "content/recruitment/2018-autumn.md", "closes = 2018-09-20", "closes = 2018-09-01");
    });
    assert!(err.contains("content/activities/2018-gala/index.md:5:1"), "{err}");
    assert!(err.contains("content/partners/bank.md:3:1"), "{err}");
    assert!(err.contains("content/recruitment/2018-autumn.md:4:1"), "{err}");
    assert!(
        err.ends_with("Build failed: 3 errors found; nothing was written (the previous output is unchanged).\n"),
        "{err}"
    );
}

#[test]
fn zero_byte_file() {
    let err = fails(|s| {
        s.write("content/activities/empty.md", "");
    });
    insta::assert_snapshot!(err);
}

// Usage errors: exit code 2.

/// Runs `cmd` in both languages, expecting exit code 2, and returns both stderr texts with
/// `dir` replaced by `<dir>`.
fn usage_error(mut cmd: impl FnMut() -> assert_cmd::Command, dir: &std::path::Path) -> [String; 2] {
    ["zh-CN", "en"].map(|lang| {
        let out = cmd().env("LIAISON_LANG", lang).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stderr).replace(dir.to_str().unwrap(), "<dir>")
    })
}

#[test]
fn no_site_here_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        let mut c = assert_cmd::Command::cargo_bin("liaison").unwrap();
        c.args(["build", "--root"]).arg(dir.path());
        c
    };
    let [zh, en] = usage_error(run, dir.path());
    assert_eq!(
        zh,
        "错误[E091]: 这个文件夹里没有 site.toml\n--> <dir>\n |\n提示: 在站点文件夹里运行 liaison，或加上 --root <文件夹>（liaison init <文件夹> 可以新建站点）\n\n"
    );
    assert_eq!(
        en,
        "error[E091]: no site.toml in this folder\n--> <dir>\n |\nhelp: run liaison in a site's folder or pass --root <folder> (liaison init <dir> makes a new site)\n\n"
    );
}

#[test]
fn bad_now_is_a_usage_error() {
    let site = Site::fixture("basic");
    let [zh, en] = usage_error(|| site.cmd(&["build", "--now", "tomorrow"]), site.root());
    assert_eq!(
        zh,
        "错误[E092]: liaison 无法识别 `--now tomorrow`；请写成 2018-09-20、2018-09-20T19:00:00 或 2018-09-20T19:00:00+08:00\n\n"
    );
    assert_eq!(
        en,
        "error[E092]: `--now tomorrow` is not a time liaison understands; use 2018-09-20, 2018-09-20T19:00:00 or 2018-09-20T19:00:00+08:00\n\n"
    );
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let site = Site::fixture("basic");
    let out = site.cmd(&["build", "--fast"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unexpected argument '--fast'"));
}

#[test]
fn out_pointing_at_content_is_refused() {
    let site = Site::fixture("basic");
    let content = site.root().join("content");
    let [zh, en] = usage_error(|| site.cmd(&["build", "--out", content.to_str().unwrap()]), site.root());
    assert_eq!(
        zh,
        "错误[E080]: 拒绝把网站写到这里：这个文件夹存放着站点的源文件\n--> <dir>/content\n |\n提示: 另选一个输出文件夹，例如 --out public\n\n"
    );
    assert_eq!(
        en,
        "error[E080]: refusing to write the site here: this folder holds the site's sources\n--> <dir>/content\n |\nhelp: choose a separate output folder such as --out public\n\n"
    );
    assert!(content.join("about.md").exists());
}

#[test]
fn output_path_that_is_a_file_is_refused() {
    let site = Site::fixture("basic");
    site.write("public", "not a folder");
    let [zh, en] = usage_error(|| site.cmd(&["build"]), site.root());
    assert_eq!(
        zh,
        "错误[E081]: 输出路径已存在，而且不是文件夹\n--> <dir>/public\n |\n提示: 删除或重命名那个文件，或另选 --out\n\n"
    );
    assert_eq!(
        en,
        "error[E081]: the output path exists and is not a folder\n--> <dir>/public\n |\nhelp: remove or rename that file, or choose another --out\n\n"
    );
    assert_eq!(std::fs::read_to_string(site.root().join("public")).unwrap(), "not a folder");
}

#[test]
fn link_to_a_draft_says_it_is_a_draft() {
    let err = fails(|s| replace(s, "content/about.md", "[银行](partners/bank.md)", "[计划](activities/draft-plan.md)"));
    insta::assert_snapshot!(err);
}

// One case for each remaining class, so every code in docs/errors.md has a tested example.

#[test]
fn unknown_timezone() {
    let err = fails(|s| replace(s, "site.toml", "paginate = 2", "paginate = 2\ntimezone = \"Asia/Shanghia\""));
    insta::assert_snapshot!(err);
}

#[test]
fn academic_year_start_is_not_a_month_and_day() {
    let err = fails(|s| replace(s, "site.toml", "[extra]", "[academic_year]\nstarts = \"September\"\n\n[extra]"));
    insta::assert_snapshot!(err);
}

#[test]
fn paginate_zero() {
    let err = fails(|s| replace(s, "site.toml", "paginate = 2", "paginate = 0"));
    insta::assert_snapshot!(err);
}

#[test]
fn tier_declared_twice() {
    let err = fails(|s| replace(s, "site.toml", "id = \"silver\"", "id = \"gold\""));
    insta::assert_snapshot!(err);
}

#[test]
fn language_the_theme_has_no_strings_for() {
    let err = fails(|s| replace(s, "site.toml", "paginate = 2", "paginate = 2\nlanguage = \"fr\""));
    insta::assert_snapshot!(err);
}

#[test]
fn theme_name_with_a_path() {
    let err = fails(|s| replace(s, "site.toml", "theme = \"test\"", "theme = \"../test\""));
    insta::assert_snapshot!(err);
}

#[test]
fn no_content_folder() {
    let err = fails(|s| {
        s.remove("content");
    });
    insta::assert_snapshot!(err);
}

#[test]
fn symbolic_link_in_content() {
    let err = fails(|s| {
        std::os::unix::fs::symlink(s.root().join("site.toml"), s.root().join("content/activities/link.md")).unwrap();
    });
    insta::assert_snapshot!(err);
}

#[test]
fn activity_ends_before_it_starts() {
    let err = fails(|s| {
        replace(s, "content/activities/讲座.md", "date = 2019-03-10\n", "date = 2019-03-10\nend = 2019-03-09\n")
    });
    insta::assert_snapshot!(err);
}

#[test]
fn url_used_by_liaison_pages() {
    let err = fails(|s| {
        s.write("content/tags.md", "+++\ntitle = \"标签\"\n+++\n");
    });
    insta::assert_snapshot!(err);
}

#[test]
fn file_url_equal_to_a_section_url() {
    let err = fails(|s| {
        s.write("content/photos/2018.md", "+++\ntitle = \"2018 相册\"\n+++\n");
        s.write("content/photos.md", "+++\ntitle = \"相册\"\n+++\n");
    });
    insta::assert_snapshot!(err);
}

#[test]
fn site_folder_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("wailian");
    let run = || {
        let mut c = assert_cmd::Command::cargo_bin("liaison").unwrap();
        c.args(["build", "--root"]).arg(&missing);
        c
    };
    let [zh, en] = usage_error(run, dir.path());
    assert_eq!(zh, "错误[E090]: 站点文件夹不存在\n--> <dir>/wailian\n |\n提示: 检查 --root 后面的路径\n\n");
    assert_eq!(
        en,
        "error[E090]: the site folder does not exist\n--> <dir>/wailian\n |\nhelp: check the path given to --root\n\n"
    );
}

#[test]
fn chinese_input_method_punctuation() {
    let err =
        fails(|s| replace(s, "content/activities/讲座.md", "title = \"职业规划讲座\"", "title ＝ “职业规划讲座”"));
    insta::assert_snapshot!(err);
}

#[test]
fn one_broken_file_does_not_hide_the_others_mistakes() {
    let err = fails(|s| {
        // The partner's front matter does not parse: its own error, and nothing about the
        // activities naming it or the pages linking to it.
        replace(s, "content/partners/bank.md", "name = \"兴业银行\"", "name = \"兴业银行");
        // A mistake in another file that only the model finds is still reported.
        replace(
            s,
            "content/activities/讲座.md",
            "讲座邀请了校友分享经验。",
            "讲座邀请了校友分享经验，见[旧页面](old.md)。",
        );
    });
    insta::assert_snapshot!(err);
}

#[test]
fn theme_folder_without_theme_toml() {
    let err = fails(|s| {
        s.remove("themes/test/theme.toml");
    });
    insta::assert_snapshot!(err);
}

#[test]
fn template_that_includes_itself() {
    let err = fails(|s| {
        s.write("themes/test/templates/404.html", "<p>{% include \"404.html\" %}</p>");
    });
    insta::assert_snapshot!(err);
}

#[test]
fn macro_that_calls_itself_forever() {
    let err = fails(|s| {
        s.write("themes/test/templates/404.html", "{% macro down(n) %}{{ down(n + 1) }}{% endmacro %}{{ down(0) }}");
    });
    insta::assert_snapshot!(err);
}

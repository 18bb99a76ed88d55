//! The example child theme `themes/campus` (extends = "default") overrides exactly two files,
//! its stylesheet and the home page template, and inherits every other template, the UI strings
//! and the other static files from the default theme.

mod common;

use common::Site;

/// The example site (site.toml, content/, themes/) switched to the campus theme and built.
fn built_with_campus() -> Site {
    let site = Site::example();
    let toml = std::fs::read_to_string(site.root().join("site.toml")).expect("site.toml");
    assert!(toml.contains("theme = \"default\""), "the example site.toml names the default theme");
    site.write("site.toml", &toml.replace("theme = \"default\"", "theme = \"campus\""));
    site.build(&[]);
    site
}

#[test]
fn campus_theme_declares_its_parent() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/campus");
    let toml = std::fs::read_to_string(root.join("theme.toml")).expect("themes/campus/theme.toml");
    assert!(toml.contains("name = \"campus\""), "{toml}");
    assert!(toml.contains("extends = \"default\""), "{toml}");
    // It overrides only its stylesheet and one template.
    let mut own: Vec<String> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/"))
        .collect();
    own.sort();
    assert_eq!(own, ["static/style.css", "templates/index.html", "theme.toml"]);
}

#[test]
fn the_stylesheet_is_campus_own() {
    let site = built_with_campus();
    let css = site.read("style.css");
    assert!(css.contains("campus-theme-stylesheet"), "public/style.css is not the campus stylesheet");
    assert!(css.contains(".campus-welcome"), "the campus stylesheet styles its home page");
    assert!(!css.contains("@import"), "the campus stylesheet imports nothing");
    assert!(css.lines().count() < 400, "campus overrides rules; it does not copy default.css");
    assert!(site.public().join("default.css").exists(), "the default look is inherited");
    // Files only the parent has are still copied.
    assert!(site.public().join("status.js").exists(), "status.js is inherited from the default theme");
}

#[test]
fn the_overridden_home_page_uses_the_campus_template() {
    let site = built_with_campus();
    let home = site.page("index.html");
    assert_eq!(home.count(".campus-welcome"), 1, "the campus home page opens with its welcome block");
    assert_eq!(home.text(".campus-motto"), "一切为了同学，为了一切的同学，为了同学的一切。");
    assert_eq!(home.count(".campus-stats dd"), 3, "totals: activities, cash, partners");
    assert!(home.text(".campus-stats").contains("78,500"), "cash raised over all years");
    // It is built from the default theme's macros and base layout.
    assert_eq!(home.count(".hero"), 0, "the default home page's hero is replaced");
    assert!(home.count(".round-banner") >= 1, "recruitment banners from the default macros");
    assert_eq!(home.count(".cards .card"), 6, "six latest activities");
    assert_eq!(home.count("svg.bar-chart title"), 1, "the build-time bar chart");
    assert_eq!(home.count("header.site-header"), 1, "the default base layout");
    assert_eq!(home.attr("html", "lang"), "zh-CN");
}

#[test]
fn other_pages_render_with_the_default_templates() {
    let site = built_with_campus();
    let gala = site.page("activities/2018-10-sports-meet/index.html");
    // Markup of the default theme's activity.html and its macros.
    assert_eq!(gala.text("article.activity h1"), "校运动会赞助");
    assert_eq!(gala.count(".item-facts"), 1, "the default activity page's facts panel");
    let sponsors = gala.attrs(".sponsor-list a.sponsor", "href");
    assert_eq!(sponsors, ["/partners/bank/", "/partners/eye-hospital/"]);
    assert!(gala.text(".sponsor-total").contains("9,000"));
    assert_eq!(gala.count(".campus-welcome"), 0);
    // Inherited UI strings, the same stylesheet link and script as every default page.
    assert_eq!(gala.text(".skip-link"), "跳到正文");
    assert_eq!(gala.attrs("link[rel=stylesheet]", "href"), ["/default.css", "/style.css"]);
    assert_eq!(gala.attr("script[src$='status.js']", "defer"), "");
    let round = site.page("recruitment/2018-autumn/index.html");
    assert_eq!(round.count("ol.timeline li.step"), 4, "opens, closes and two interview stages");
}

//! Outputs beyond pages, on the fixture site: Atom feed, calendars, sitemap, robots.txt, JSON-LD
//! and the search index. All come from the same site model; drafts appear in none of them
//! (`build.rs` greps every output file for the draft markers).

mod common;

use common::Site;

fn built() -> Site {
    let site = Site::fixture("basic");
    site.build(&[]);
    site
}

#[test]
fn atom_feed_is_valid_newest_first_with_absolute_urls() {
    let site = built();
    let xml = site.read("atom.xml");
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("valid Atom");
    let titles: Vec<String> = feed.entries.iter().map(|e| e.title.as_ref().unwrap().content.clone()).collect();
    assert_eq!(titles, ["A 讲座", "职业规划讲座", "元旦晚会", "运动会", "2018年秋季招新"]);
    let gala = &feed.entries[2];
    assert_eq!(gala.links[0].href, "https://example.edu.cn/wailian/activities/2018-gala/");
    assert_eq!(gala.id, "https://example.edu.cn/wailian/activities/2018-gala/");
    assert_eq!(gala.published.unwrap().to_rfc3339(), "2018-12-30T11:00:00+00:00");
    assert!(gala.content.is_none(), "summary only by default");
    assert_eq!(gala.summary.as_ref().unwrap().content, "晚会由 银行 赞助。");
    assert!(
        feed.links
            .iter()
            .any(|l| l.href == "https://example.edu.cn/wailian/atom.xml" && l.rel.as_deref() == Some("self"))
    );
}

#[test]
fn atom_feed_carries_full_content_when_asked() {
    let site = Site::fixture("basic");
    let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    site.write("site.toml", &format!("{toml}\n[atom]\ncontent = \"full\"\nentries = 2\n"));
    site.build(&[]);
    let feed = feed_rs::parser::parse(site.read("atom.xml").as_bytes()).unwrap();
    assert_eq!(feed.entries.len(), 2);
    let body = feed.entries[1].content.as_ref().unwrap().body.clone().unwrap();
    assert_eq!(body.trim(), "<p>讲座邀请了校友分享经验。</p>");
}

fn events(ics: &str) -> Vec<icalendar::parser::Component<'static>> {
    // Parsed components borrow the unfolded text; leaking it keeps this test helper simple.
    let unfolded: &'static str = Box::leak(icalendar::parser::unfold(ics).into_boxed_str());
    let cal = icalendar::parser::read_calendar(unfolded).expect("valid iCalendar");
    cal.components.into_iter().filter(|c| c.name == "VEVENT").collect()
}

fn prop(e: &icalendar::parser::Component<'_>, name: &str) -> String {
    e.properties.iter().find(|p| p.name == name).map(|p| p.val.to_string()).unwrap_or_default()
}

fn param(e: &icalendar::parser::Component<'_>, name: &str, key: &str) -> String {
    e.properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.params.iter().find(|x| x.key == key))
        .and_then(|x| x.val.as_ref().map(|v| v.to_string()))
        .unwrap_or_default()
}

#[test]
fn calendar_has_activities_windows_and_stages() {
    let site = built();
    let ics = site.read("calendar.ics");
    assert!(ics.contains("\r\n") && !ics.replace("\r\n", "").contains('\n'), "CRLF line ends only");
    for line in ics.split("\r\n") {
        assert!(line.len() <= 76, "line longer than 75 octets: {line}");
    }
    let evs = events(&ics);
    let uids: Vec<String> = evs.iter().map(|e| prop(e, "UID")).collect();
    assert_eq!(
        uids,
        [
            "activity-2019-lecture-b@example.edu.cn",
            "activity-讲座@example.edu.cn",
            "activity-2018-gala@example.edu.cn",
            "activity-2018-sports@example.edu.cn",
            "round-2018-autumn@example.edu.cn",
            "round-2018-autumn-stage-1@example.edu.cn",
        ]
    );
    let gala = &evs[2];
    assert_eq!(prop(gala, "DTSTART"), "20181230T110000Z");
    assert_eq!(prop(gala, "DTEND"), "20181230T140000Z");
    assert_eq!(prop(gala, "LOCATION"), "大学生活动中心");
    assert_eq!(prop(gala, "URL"), "https://example.edu.cn/wailian/activities/2018-gala/");
    let sports = &evs[3];
    assert_eq!(prop(sports, "DTSTART"), "20181020");
    assert_eq!(param(sports, "DTSTART", "VALUE"), "DATE");
    assert_eq!(prop(sports, "DTEND"), "20181021");
    let window = &evs[4];
    assert_eq!((prop(window, "DTSTART"), prop(window, "DTEND")), ("20180910".into(), "20180921".into()));
    let stage = &evs[5];
    assert_eq!(prop(stage, "SUMMARY"), "2018年秋季招新 · 初试");
    assert_eq!(prop(stage, "DTSTART"), "20180922T110000Z");
    assert_eq!(prop(stage, "LOCATION"), "教学楼 A101");
}

#[test]
fn calendar_escapes_commas_and_semicolons_in_chinese_text() {
    let site = Site::fixture("basic");
    let gala = "content/activities/2018-gala/index.md";
    let text = std::fs::read_to_string(site.root().join(gala)).unwrap();
    site.write(gala, &text.replace("location = \"大学生活动中心\"", "location = \"大学生活动中心, 二楼; 东侧\""));
    site.build(&[]);
    let ics = site.read("calendar.ics");
    assert!(ics.contains("LOCATION:大学生活动中心\\, 二楼\\; 东侧"), "{ics}");
    let evs = events(&ics);
    assert_eq!(prop(&evs[2], "LOCATION"), "大学生活动中心, 二楼; 东侧", "a parser reads the text back");
}

#[test]
fn each_round_has_its_own_calendar_linked_from_its_page() {
    let site = built();
    let round = site.page("recruitment/2018-autumn/index.html");
    assert_eq!(round.attr("#calendar", "href"), "/wailian/recruitment/2018-autumn/calendar.ics");
    let evs = events(&site.read("recruitment/2018-autumn/calendar.ics"));
    assert_eq!(evs.len(), 2);
    assert_eq!(prop(&evs[0], "SUMMARY"), "2018年秋季招新");
}

#[test]
fn sitemap_lists_every_published_page_with_lastmod() {
    let site = built();
    let xml = site.read("sitemap.xml");
    let locs: Vec<&str> = xml.split("<loc>").skip(1).map(|s| s.split("</loc>").next().unwrap()).collect();
    let pages = site.output_files().into_iter().filter(|f| f.ends_with("index.html")).count();
    assert_eq!(locs.len(), pages, "one entry per page (404 excluded)");
    assert!(locs.contains(&"https://example.edu.cn/wailian/"));
    assert!(locs.contains(&"https://example.edu.cn/wailian/activities/%E8%AE%B2%E5%BA%A7/"));
    assert!(
        xml.contains("<loc>https://example.edu.cn/wailian/activities/2018-gala/</loc><lastmod>2018-12-30</lastmod>")
    );
    assert!(!xml.contains("404"));
    assert_eq!(
        site.read("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.edu.cn/wailian/sitemap.xml\n"
    );
}

#[test]
fn json_ld_event_with_sponsors_and_organizations() {
    let site = built();
    let script = site.page("activities/2018-gala/index.html").inner_html("#ld");
    let ld: serde_json::Value = serde_json::from_str(&script).unwrap();
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "Event");
    assert_eq!(ld["name"], "元旦晚会");
    assert_eq!(ld["startDate"], "2018-12-30T19:00:00+08:00");
    assert_eq!(ld["location"]["name"], "大学生活动中心");
    assert_eq!(ld["sponsor"][0]["@type"], "Organization");
    assert_eq!(ld["sponsor"][0]["name"], "兴业银行");
    assert_eq!(ld["sponsor"][0]["logo"], "https://example.edu.cn/wailian/images/bank.svg");
    let partner: serde_json::Value =
        serde_json::from_str(&site.page("partners/bank/index.html").inner_html("#ld")).unwrap();
    assert_eq!(partner["@type"], "Organization");
    assert_eq!(partner["url"], "https://bank.example.com/");
    let dept: serde_json::Value = serde_json::from_str(&site.page("index.html").inner_html("#ld")).unwrap();
    assert_eq!(dept["name"], "测试外联部");
}

#[test]
fn json_ld_cannot_close_its_script_element() {
    let site = Site::fixture("basic");
    let gala = "content/activities/2018-gala/index.md";
    let text = std::fs::read_to_string(site.root().join(gala)).unwrap();
    site.write(gala, &text.replace("title = \"元旦晚会\"", "title = \"</script><b>x</b>\""));
    site.build(&[]);
    let html = site.read("activities/2018-gala/index.html");
    assert!(html.contains("<\\/script>"));
    assert_eq!(html.matches("</script>").count(), 1);
}

/// Looks a query up in the built index the way search.js does.
fn search(site: &Site, query: &str) -> Vec<String> {
    let meta: serde_json::Value = serde_json::from_str(&site.read("search/meta.json")).unwrap();
    let shards = meta["shards"].as_u64().unwrap() as u32;
    let chunk = meta["chunk"].as_u64().unwrap() as usize;
    let mut hits: Option<Vec<u64>> = None;
    for t in liaison::text::tokenize(query) {
        let shard: serde_json::Value =
            serde_json::from_str(&site.read(&format!("search/t-{}.json", liaison::text::fnv1a(&t) % shards))).unwrap();
        let docs: Vec<u64> =
            shard[&t].as_array().map(|a| a.iter().map(|d| d.as_u64().unwrap()).collect()).unwrap_or_default();
        hits = Some(match hits {
            None => docs,
            Some(h) => h.into_iter().filter(|d| docs.contains(d)).collect(),
        });
    }
    hits.unwrap_or_default()
        .into_iter()
        .map(|d| {
            let docs: serde_json::Value =
                serde_json::from_str(&site.read(&format!("search/d-{}.json", d as usize / chunk))).unwrap();
            docs[d as usize % chunk][1].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn search_index_finds_chinese_and_english_words() {
    let site = built();
    assert_eq!(search(&site, "赞助"), ["元旦晚会", "运动会"], "body text and tags");
    assert_eq!(search(&site, "讲座"), ["A 讲座", "职业规划讲座"]);
    assert_eq!(search(&site, "Same DATE"), ["A 讲座"]);
    assert_eq!(search(&site, "田"), ["运动会"]);
    assert!(search(&site, "SECRET").is_empty(), "drafts are not indexed");
}

#[test]
fn large_indexes_are_sharded() {
    let site = Site::fixture("basic");
    for n in 0..400 {
        let body: String =
            (0..400).map(|k| char::from_u32(0x4e00 + ((n * 397 + k * 13) % 20000) as u32).unwrap()).collect();
        site.write(&format!("content/reports/r{n}.md"), &format!("+++\ntitle = \"报告 {n}\"\n+++\n{body}\n"));
    }
    site.build(&[]);
    let meta: serde_json::Value = serde_json::from_str(&site.read("search/meta.json")).unwrap();
    let shards = meta["shards"].as_u64().unwrap();
    assert!(shards > 1, "{meta}");
    for i in 0..shards {
        let len = std::fs::metadata(site.public().join(format!("search/t-{i}.json"))).unwrap().len();
        assert!(len < 1_000_000, "shard {i} is {len} bytes");
    }
    assert_eq!(search(&site, "报告").len(), 400);
}

#[test]
fn browser_tokenizer_matches_the_rust_tokenizer() {
    let samples = [
        "外联部 Sponsorship 2018",
        "赞",
        "Café ÉTÉ ΟΔΟΣ Привет",
        "a 赞助，商 b2b C++ e-mail",
        "２０１８年 ｆｕｌｌ　ｗｉｄｔｈ 𠀀𠀁 かな カナ 한국어",
        "🎉赞助🎉 x",
    ];
    let js = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/search.js");
    let script = format!(
        "const m = require({:?}); const s = JSON.parse(require('fs').readFileSync(0, 'utf8')); \
         console.log(JSON.stringify(s.map(x => m.tokenize(x).map(t => [t, m.fnv1a(t)]))));",
        js.display().to_string()
    );
    let mut child = std::process::Command::new("node")
        .args(["-e", &script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node (Node.js) is needed for this test");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(serde_json::to_string(&samples).unwrap().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let js: Vec<Vec<(String, u32)>> = serde_json::from_slice(&out.stdout).expect("node output");
    let rust: Vec<Vec<(String, u32)>> = samples
        .iter()
        .map(|s| liaison::text::tokenize(s).into_iter().map(|t| (t.clone(), liaison::text::fnv1a(&t))).collect())
        .collect();
    assert_eq!(js, rust);
}

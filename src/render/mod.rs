//! Rendering: the site model and a theme in, the files of the site out (in memory).
//!
//! The fourth stage of the pipeline, and pure: it reads the model and the theme and returns an
//! [`Output`]; it never touches the disk. Pages render in parallel with one shared minijinja
//! environment whose templates were compiled once.

mod atom;
mod calendar;
mod extras;
mod filters;
mod fragments;
mod globals;
mod item_fields;
mod jobs;
mod jsonld;
pub mod memo;
mod search;
mod search_json;
mod search_memo;
mod site_views;
mod sitemap;
mod struct_fields;
mod template_errors;
mod tracked;
mod versions;
mod views;

use minijinja::{Environment, Value};
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::i18n::Text;
use crate::model::Site;
use crate::output::{CopiedFile, Output, OutputFile};
use crate::t;
use crate::theme::Theme;
use extras::{ExtraMemo, extra_files};
use fragments::Fragments;
use globals::Globals;
use jobs::Frame;
pub use memo::Memo;
use memo::Versions;
use template_errors::template_error;

/// What a streamed render produced besides the files it handed out.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Files handed to the sink (pages, feeds, calendars, sitemap, search index).
    pub files: usize,
    /// HTML pages among them.
    pub pages: usize,
    /// Files to copy as they are (theme static files, content assets), sorted by path.
    pub copies: Vec<CopiedFile>,
    /// Time spent in each step of the render, for `LIAISON_TIMINGS=1`.
    pub steps: Steps,
}

/// Renders every page of `site` with `theme` into memory: the pages in the order of their jobs,
/// then the other files sorted by path, so the same site always gives the same order (a watch
/// rebuild's output lines up with the last one's without sorting 12,000 paths, see
/// `output::sync_site`). All template problems are reported together. Also returns the time
/// each step took.
pub fn render(site: &Site, config: &Config, theme: &Theme, memo: &mut Memo) -> Result<(Output, Steps), Diagnostics> {
    let others = std::sync::Mutex::new(Vec::new());
    let (rendered, mut files) = render_site(Model::Kept(site), config, theme, memo, &|f| {
        others.lock().unwrap_or_else(|e| e.into_inner()).push(f);
        Ok(())
    })?;
    let mut others = others.into_inner().unwrap_or_else(|e| e.into_inner());
    others.sort_by(|a, b| a.path.cmp(&b.path));
    files.append(&mut others);
    Ok((Output { files, copies: rendered.copies }, rendered.steps))
}

/// The steps of a render and the time each took, in order.
pub type Steps = Vec<(&'static str, std::time::Duration)>;

/// Renders every page of `site` with `theme`, handing each file to `sink` as soon as it is
/// rendered (from rayon's threads, in no particular order), so a build need not hold the site in
/// memory. All template problems (and sink errors) are reported together; files handed out
/// before an error are the caller's to discard.
///
/// Once the feed and the search index are written, nothing reads the items' `text` and `html`
/// again but the template values: the text is dropped and the HTML moved into the values, so
/// afterwards `site`'s items have neither (at 10,000 pages the two are ~80 MB, the HTML was
/// held twice while pages rendered).
///
/// `folders` gets the folders the pages go into (relative, with `/`, in job order) as soon as
/// they are known, before any page is rendered: the output can make them ahead of the pages.
pub fn render_with(
    site: &mut Site,
    config: &Config,
    theme: &Theme,
    sink: &Sink<'_>,
    folders: &dyn Fn(Vec<String>),
) -> Result<Rendered, Diagnostics> {
    render_site(Model::Released(site, folders), config, theme, &mut Memo::default(), sink).map(|(rendered, _)| rendered)
}

/// The model as [`render_site`] gets it: to keep whole, or to release the items' text and HTML.
/// A kept model's pages are returned in job order; a released one's go to the sink, and their
/// folders to the function it comes with first.
enum Model<'a> {
    Kept(&'a Site),
    Released(&'a mut Site, &'a dyn Fn(Vec<String>)),
}

fn render_site(
    model: Model<'_>,
    config: &Config,
    theme: &Theme,
    memo: &mut Memo,
    sink: &Sink<'_>,
) -> Result<(Rendered, Vec<OutputFile>), Diagnostics> {
    let pages_to_sink = matches!(model, Model::Released(..));
    let mut lap = memo::Lap::start();
    let fingerprint = config_fingerprint(config, theme);
    // A watch session compiles the templates again only when the theme or configuration changed.
    let mut env = match memo.env.take() {
        Some((kept, env)) if kept == fingerprint => env,
        _ => environment(config, theme)?,
    };
    lap.mark("templates compiled");
    let site: &Site = match &model {
        Model::Kept(site) => site,
        Model::Released(site, _) => site,
    };
    let around = memo::hash_of((fingerprint, site.items.len()));
    let kept = memo.frame.take();
    let old = kept.clone();
    // Told by the frame, not by comparing addresses: a new frame may be allocated where the
    // dropped one was.
    let (frame, frame_kept) = match memo.on {
        true => Frame::for_site(kept, site, config, theme, around, Some(&mut |site: &Site| memo.ids(site))),
        false => Frame::for_site(None, site, config, theme, around, None),
    };
    if memo.on && !frame_kept {
        memo.pages_for(old.as_deref(), &frame);
    }
    drop(old);
    if let Model::Released(_, folders) = &model {
        folders(frame.folders());
    }
    let (jobs, ids, neighbours) = (&frame.jobs, &frame.ids, &frame.neighbours);
    lap.mark("jobs");
    let item_parts = match memo.on {
        true => memo::item_versions(site, neighbours, &ids.0, &mut memo.faces),
        false => Vec::new(),
    };
    // A view shows both parts.
    let item_versions: Vec<u64> = item_parts.iter().map(|&v| memo::hash_of(v)).collect();
    // A watch render with the last render's frame takes the last item values and makes again
    // only those whose version changed (and so do the feed's and calendar's parts).
    let last_values = memo.values.take().filter(|(values, _)| frame_kept && values.len() == site.items.len());
    let changed: Option<Vec<usize>> = last_values
        .as_ref()
        .map(|(_, versions)| (0..versions.len()).filter(|&n| versions[n] != item_versions[n]).collect());
    lap.mark("versions of items");
    // A one-off build makes the files beyond pages (feeds, calendars, search index; parallel
    // inside) first and the pages after, not both at once: the search index's working memory
    // and the template values then never coexist (peak RSS at 10,000 pages 320 -> 247 MiB, CPU
    // time unchanged). A watch rebuild makes them on a thread of their own beside the views and
    // versions below (mostly one thread's work), which they do not read.
    let extra_in_turn = (!memo.on).then(|| extra_files(site, config, jobs, None, sink));
    if extra_in_turn.is_some() {
        lap.mark("feed, calendars, sitemap, search");
    }
    let (site, html): (&Site, Option<Vec<std::sync::Arc<str>>>) = match model {
        Model::Kept(site) => (site, None),
        Model::Released(site, _) => {
            let html = site
                .items
                .iter_mut()
                .map(|i| match std::sync::Arc::get_mut(&mut i.own) {
                    Some(own) => {
                        own.text = "".into();
                        std::mem::replace(&mut own.html, "".into())
                    }
                    // Shared with a memo (not in one-off builds): nothing to release.
                    None => i.html.clone(),
                })
                .collect();
            (site, Some(html))
        }
    };
    let (mut search, mut feeds) = (std::mem::take(&mut memo.search), memo.feeds.take());
    let extra_memo = memo.on.then(|| ExtraMemo {
        around,
        ids: &ids.0,
        versions: &item_versions,
        changed: changed.as_deref(),
        search: &mut search,
        feeds: &mut feeds,
    });
    let (extra, items, lists, sections, site_value, versions, fragments, changed_reads) = std::thread::scope(|scope| {
        let beside = extra_memo.map(|m| scope.spawn(move || extra_files(site, config, jobs, Some(m), sink)));
        let shared: &Memo = memo;
        let reuse = |n: usize| shared.on.then(|| shared.view(around, ids.0[n], item_versions[n])).flatten();
        let items = match (last_values, &changed) {
            (Some((mut values, _)), Some(changed)) => {
                views::remake(site, config, neighbours, &mut values, changed, &reuse);
                values
            }
            _ => views::items(site, config, neighbours, html, &reuse),
        };
        if memo.on {
            memo.keep_views(around, &ids.0, &item_versions, &items, changed.as_deref());
        }
        lap.mark("item views");
        // With the last render's frame, lists hold the same items as then unless a partner's
        // (its tier) or a round's (its status) own facts changed: their versions are taken from
        // the last render's. A partner whose contributions or neighbours changed is in the same
        // lists.
        let last_versions = memo.last_versions.take();
        let same_lists = changed.as_deref().is_some_and(|c| {
            c.iter().all(|&n| match site.items[n].data {
                crate::model::ItemData::Activity(_) | crate::model::ItemData::Page => true,
                _ => last_versions.as_ref().is_some_and(|l| l.by_id.get(ids.0[n]) == Some(item_parts[n].0)),
            })
        });
        // The last render's lists (`site.activities`, sections' items, ...) with the changed
        // items' values swapped in when they hold the same items, else new lists.
        let kept_lists = memo.lists.take().filter(|_| same_lists);
        let lists = match (kept_lists, &changed) {
            (Some(mut lists), Some(changed)) => match lists.patch(&items, changed) {
                true => lists,
                false => site_views::Lists::new(site, config, &items, memo.on),
            },
            _ => site_views::Lists::new(site, config, &items, memo.on),
        };
        let sections = site_views::sections(site, config, &lists);
        let site_value = site_views::site_value(site, config, &lists, &sections);
        let versions = memo.on.then(|| {
            let now = memo::now_version(site);
            let last = last_versions.as_deref().filter(|_| same_lists);
            std::sync::Arc::new(Versions::new(
                memo,
                around,
                ids.clone(),
                &item_parts,
                &sections,
                &site_value,
                now,
                last,
            ))
        });
        let fragments = std::sync::Arc::new(match &versions {
            Some(v) => Fragments::watching(v.clone(), std::mem::take(&mut memo.fragments)),
            None => Fragments::new(site.items.len()),
        });
        // Pages need their reads' versions hashed only if one of them changed since the last
        // render.
        let changed_reads = match (&versions, last_versions) {
            (Some(now), Some(last)) => memo::Changed::between(&last, now),
            _ => None,
        };
        lap.mark("site views and versions");
        // A panic on the extras' thread is the same panic here.
        let extra = match beside {
            Some(thread) => thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => extra_in_turn.unwrap_or(Ok(0)),
        };
        if memo.on {
            lap.mark("feed, calendars, sitemap, search (beside the views)");
        }
        (extra, items, lists, sections, site_value, versions, fragments, changed_reads)
    });
    (memo.search, memo.feeds) = (search, feeds);
    fragments::register(&mut env, fragments.clone());
    let site_value = Value::from_object(site_value);
    let page_links = site.sections.iter().map(|_| std::sync::OnceLock::new()).collect();
    let globals = Globals {
        env: &env,
        site,
        config,
        theme,
        items: &items,
        sections: &sections,
        site_value,
        page_links,
        sizes: globals::Sizes::new(theme),
    };
    let pages = std::sync::atomic::AtomicUsize::new(0);
    let rendered_now = std::sync::atomic::AtomicUsize::new(0);
    let shared: &Memo = memo;
    let mut results: Vec<(usize, Handed, Option<Remembered>)> = frame
        .order
        .par_iter()
        .map(|&k| {
            let (job, (template, path)) = (&jobs[k], &frame.targets[k]);
            let path = path.clone();
            let own = versions.as_ref().map(|_| frame.owns[k]);
            let known = versions.as_ref().zip(own).and_then(|(v, own)| v.reuse(shared, k, own, changed_reads.as_ref()));
            let (bytes, page) = match known {
                // Already in the memo, as it is.
                Some(bytes) => (bytes, None),
                None => {
                    let prepared = globals.prepare(job, template);
                    rendered_now.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let (html, reads) = match &versions {
                        Some(_) => memo::recording(|| globals.finish(&prepared)),
                        None => (globals.finish(&prepared), Vec::new()),
                    };
                    let bytes: bytes::Bytes = match html {
                        Ok(h) => h.into(),
                        Err(e) => return (k, Err(e), None),
                    };
                    let page = versions.as_ref().zip(own).and_then(|(v, own)| v.page(own, &reads, bytes.clone()));
                    (bytes, page)
                }
            };
            if path.ends_with(".html") {
                pages.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            let remembered = page.map(|p| (k, p));
            let file = OutputFile { path, bytes };
            let handed = match pages_to_sink {
                true => sink(file).map(|()| None),
                false => Ok(Some(file)),
            };
            (k, handed, remembered)
        })
        .collect();
    // Back in job order (pages are rendered heaviest first).
    results.sort_unstable_by_key(|r| r.0);
    lap.mark("pages");
    let mut errors = Diagnostics::default();
    // One template mistake breaks every page using it: report it once, with a count.
    let mut seen: std::collections::BTreeMap<
        (std::path::PathBuf, Option<crate::diagnostic::Pos>, Text),
        (Diagnostic, usize),
    > = Default::default();
    let ok_pages = results.iter().filter(|r| r.1.is_ok()).count();
    let (extra_files, extra_error) = match extra {
        Ok(n) => (n, None),
        Err(e) => (0, Some(e)),
    };
    let mut remembered = Vec::new();
    let mut failures = Vec::new();
    let mut files = Vec::with_capacity(if pages_to_sink { 0 } else { results.len() });
    for (_, r, page) in results {
        match r {
            Ok(file) => {
                remembered.extend(page);
                files.extend(file);
            }
            Err(e) => failures.push(e),
        }
    }
    lap.mark("pages collected");
    let Globals { site_value, page_links, .. } = globals;
    // A watch session keeps the lists, unshared for the next render to patch in place: what
    // else holds them goes now (in a one-off build, with the rest below).
    let (site_value, sections) = match memo.on {
        true => {
            drop((site_value, sections));
            memo.lists = Some(lists);
            (None, Vec::new())
        }
        false => (Some((site_value, lists)), sections),
    };
    // This render's fragments once the memo has taken what it keeps of them.
    let mut made_now = None;
    if memo.on {
        // The environment is kept without this render's fragments (they go to the memo below).
        fragments::register(&mut env, std::sync::Arc::new(Fragments::new(0)));
        memo.env = Some((fingerprint, env));
        memo::keep(memo, remembered, rendered_now.into_inner());
        // Every page in the memo was made or checked with these versions.
        memo.last_versions = if failures.is_empty() { versions.clone() } else { None };
        if let Ok(f) = std::sync::Arc::try_unwrap(fragments) {
            memo.last_fragments = f.made();
            let (kept, made) = f.keep();
            (memo.fragments, made_now) = (kept, Some(made));
        }
    }
    // Freeing the template values (with the items' HTML, ~80 MB at 10,000 pages) took 120-160 ms
    // on one thread at the end of a build: they are freed on a thread of their own while the
    // build finishes (inline if no thread can be started). A watch session keeps the item values
    // for the next render instead; what it frees (`site`'s lists of 10,000 items, this render's
    // fragments) took 2-4 ms of each rebuild.
    let values = match memo.on {
        true => {
            memo.values = Some((items, item_versions));
            (Vec::new(), sections)
        }
        false => (items, sections),
    };
    let garbage = (values, site_value, page_links, made_now);
    crate::free_beside(garbage);
    lap.mark("remember pages, free values");
    if memo.on {
        memo.frame = Some(frame);
    }
    for e in failures.into_iter().chain(extra_error) {
        seen.entry((e.path.clone(), e.pos, e.message.clone())).or_insert((e, 0)).1 += 1;
    }
    for (_, (d, count)) in seen {
        let d = if count > 1 {
            let hint = d.hint.clone().unwrap_or_default();
            let (others, s) = (count - 1, if count == 2 { "" } else { "s" });
            d.hint(Text {
                en: format!("{} (the same error occurred on {others} other page{s})", hint.en),
                zh: format!("{}（另有 {others} 个页面出现同样的错误）", hint.zh),
            })
        } else {
            d
        };
        errors.push(d);
    }
    let mut copies: Vec<CopiedFile> =
        theme.statics.iter().map(|(path, from)| CopiedFile { path: path.clone(), from: from.clone() }).collect();
    copies.extend(site.assets.iter().map(|a| CopiedFile { path: a.content_path.clone(), from: a.path.clone() }));
    copies.sort_by(|a, b| a.path.cmp(&b.path));
    copies.dedup_by(|a, b| a.path == b.path);
    let pages = pages.into_inner();
    errors.sorted().into_result((Rendered { files: ok_pages + extra_files, pages, copies, steps: lap.steps }, files))
}

fn environment(config: &Config, theme: &Theme) -> Result<Environment<'static>, Diagnostics> {
    let mut env = Environment::new();
    env.set_auto_reload(false);
    env.set_fuel(Some(50_000_000));
    filters::register(&mut env, config, &theme.strings);
    let mut errors = Diagnostics::default();
    for (name, file) in &theme.templates {
        if let Err(e) = env.add_template_owned(name.clone(), file.source.clone()) {
            errors.push(template_error(theme, &e, &t!("compiling the template", "编译模板")));
        }
    }
    errors.into_result(env)
}

/// Where rendered files go (see [`render_with`]).
pub type Sink<'a> = dyn Fn(OutputFile) -> Result<(), Diagnostic> + Sync + 'a;

/// A page handed to the sink (`None`) or back to [`render`], or why it could not be rendered.
type Handed = Result<Option<OutputFile>, Diagnostic>;

/// A page as the memo keeps it, by job.
type Remembered = (usize, memo::Page);

/// A hash of what changes every page: the configuration and the theme (templates, strings).
fn config_fingerprint(config: &Config, theme: &Theme) -> u64 {
    let mut templates: Vec<(&String, &String)> = theme.templates.iter().map(|(n, f)| (n, &f.source)).collect();
    templates.sort_unstable();
    memo::hash_of((format!("{config:?}"), templates, format!("{:?}", theme.strings), &theme.chain))
}

//! The context of each page: what `Globals::prepare` puts in a job's context (the page's item,
//! its section, a list page's paginator, a tag's or year's items) and `Globals::finish`, which
//! renders it with `site` added. Everything here is shared by all pages of one render.

use minijinja::{Environment, Value, context};

use super::jobs::{Job, page_items, page_path, per_page};
use super::memo;
use super::template_errors::template_error;
use super::views::{self, ser};
use crate::codes::Code;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::i18n::Text;
use crate::model::{Site, Tag, Year};
use crate::t;
use crate::theme::Theme;

pub(super) struct Globals<'a> {
    pub env: &'a Environment<'static>,
    pub site: &'a Site,
    pub config: &'a Config,
    pub theme: &'a Theme,
    pub items: &'a [Value],
    pub sections: &'a [Value],
    pub site_value: Value,
    /// Per section, `paginator.pages` (filled by the first of its pages to render).
    pub page_links: Vec<std::sync::OnceLock<Value>>,
    /// Per template of the theme (sorted by name): the size of the last page it rendered.
    pub sizes: Sizes,
}

/// The size of the last page each template rendered: a page is rendered into a buffer of about
/// its size instead of one grown (and copied) from minijinja's guess, a few hundred bytes.
pub(super) struct Sizes(Vec<(String, std::sync::atomic::AtomicUsize)>);

impl Sizes {
    pub fn new(theme: &Theme) -> Sizes {
        Sizes(theme.templates.keys().map(|k| (k.clone(), Default::default())).collect())
    }

    fn of(&self, template: &str) -> Option<&std::sync::atomic::AtomicUsize> {
        let n = self.0.binary_search_by(|(k, _)| k.as_str().cmp(template)).ok()?;
        Some(&self.0[n].1)
    }
}

impl Globals<'_> {
    /// A job's context (without `site`), for its template from `jobs::target`.
    pub fn prepare<'t>(&self, job: &Job, template: &'t str) -> Prepared<'t> {
        let site = self.site;
        let config = self.config;
        let site_v = || self.site_value.clone();
        let ctx = match job {
            Job::Item(n) => {
                let item = &site.items[*n];
                let section = &self.sections[item.section];
                context! { site => site_v(), page => self.items[*n].clone(), section => section.clone(), current_path => &item.path }
            }
            Job::Section { section, page, pages } => {
                let s = &site.sections[*section];
                let per = per_page(s, config);
                let list: Vec<Value> = page_items(s, *page, per).iter().map(|&n| self.items[n].clone()).collect();
                let url_of = |p: usize| config.url(&page_path(&s.path, p));
                // The same list for every page of the section, built once (it was built per
                // page: quadratic in the number of pages).
                let page_links = self.page_links[*section]
                    .get_or_init(|| {
                        let links: Vec<Value> =
                            (1..=*pages).map(|p| context! { number => p, url => url_of(p) }).collect();
                        let key = memo::hash_of((&s.path, *pages));
                        Value::from_object(memo::Keyed { key, inner: Value::from(links) })
                    })
                    .clone();
                let paginator = context! {
                    items => list,
                    current => page,
                    total => pages,
                    per_page => per,
                    total_items => s.items.len(),
                    pages => page_links,
                    prev => (*page > 1).then(|| url_of(page - 1)),
                    next => (page < pages).then(|| url_of(page + 1)),
                };
                context! {
                    site => site_v(),
                    section => self.sections[*section].clone(),
                    paginator => paginator,
                    current_path => page_path(&s.path, *page),
                }
            }
            Job::Tags => context! { site => site_v(), current_path => "/tags/" },
            Job::Tag(n) => {
                let t = &site.tags[*n];
                let list: Vec<Value> = t.items.iter().map(|&i| self.items[i].clone()).collect();
                let path = Tag::path_of(&t.slug);
                let tag = context! { name => &t.name, slug => &t.slug, url => config.url(&path), items => list };
                context! { site => site_v(), tag => tag, current_path => path }
            }
            Job::Years => context! { site => site_v(), current_path => "/years/" },
            Job::Year(n) => {
                let y = &site.years[*n];
                let (slug, url) = views::year_ref(config, y.start_year);
                let path = Year::path_of(y.start_year);
                let list: Vec<Value> = y.items.iter().map(|&i| self.items[i].clone()).collect();
                // Split here, not by the template's `selectattr` over thousands of items.
                let (mut activities, mut others) = (Vec::new(), Vec::new());
                for (&i, v) in y.items.iter().zip(&list) {
                    match site.items[i].kind {
                        crate::content::fields::Kind::Activities => activities.push(v.clone()),
                        _ => others.push(v.clone()),
                    }
                }
                let year = context! {
                    label => slug.clone(), slug => slug, url => url, start => y.start_year,
                    items => list, activities => activities, others => others, figures => ser(&y.figures),
                };
                context! { site => site_v(), year => year, current_path => path }
            }
            Job::Search => context! { site => site_v(), current_path => "/search/" },
            Job::NotFound => context! { site => site_v(), current_path => "/404.html" },
        };
        Prepared { template, ctx, job: job.clone() }
    }

    /// What a job's page is, for messages (made only for one).
    fn what(&self, job: &Job) -> Text {
        let site = self.site;
        match job {
            Job::Item(n) => Text::same(site.items[*n].source.display().to_string()),
            Job::Section { section, .. } => {
                let s = &site.sections[*section];
                Text::same(
                    s.source.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| format!("content/{}", s.dir)),
                )
            }
            Job::Tags => t!("the tag list", "标签列表"),
            Job::Tag(n) => t!("tag `{}`", "标签 `{}`", site.tags[*n].name),
            Job::Years => t!("the year list", "学年列表"),
            Job::Year(n) => t!("academic year {}", "{} 学年", site.years[*n].start_year),
            Job::Search => t!("the search page", "搜索页"),
            Job::NotFound => t!("the 404 page", "404 页面"),
        }
    }

    /// Renders a prepared job.
    pub fn finish(&self, p: &Prepared<'_>) -> Result<Vec<u8>, Diagnostic> {
        let template = p.template;
        let tmpl = self.env.get_template(template).map_err(|_| {
            let what = self.what(&p.job);
            let (what_en, what_zh, chain) = (&what.en, &what.zh, self.theme.chain.join(" -> "));
            Diagnostic::new(
                format!(
                    "themes/{}/templates/{template}",
                    self.theme.chain.first().map(String::as_str).unwrap_or("default")
                ),
                Code::TemplateMissing,
                t!(
                    "template `{template}` not found (needed for {what_en})",
                    "找不到模板 `{template}`（{what_zh}需要它）"
                ),
            )
            .hint(t!("add it to the theme (themes searched: {chain})", "把它加到主题里（已查找的主题：{chain}）"))
        })?;
        let ctx = p.ctx.clone();
        use std::sync::atomic::Ordering::Relaxed;
        let size = self.sizes.of(template);
        let last = size.map_or(0, |s| s.load(Relaxed));
        let mut out = Vec::with_capacity(last + last / 8 + 256);
        match tmpl.render_captured_to(ctx, &mut out) {
            Ok(_) => {
                if let Some(size) = size {
                    size.store(out.len(), Relaxed);
                }
                Ok(out)
            }
            Err(e) => {
                let what = self.what(&p.job);
                let (what_en, what_zh) = (&what.en, &what.zh);
                Err(template_error(self.theme, &e, &t!("rendering {what_en}", "渲染 {what_zh}")))
            }
        }
    }
}

/// A page ready to render: template, context and its job (what it is, for messages).
pub(super) struct Prepared<'t> {
    template: &'t str,
    ctx: Value,
    job: Job,
}

//! Checks of one item's values that serde's types cannot express.
//!
//! Required fields that depend on the kind, date order (`closes >= opens`, stages not before
//! `opens`), tiers declared in `site.toml`, link schemes and safe slugs. Checks that need other
//! files (sponsor ids, links) live in the model stage.

use super::fields::{ItemFm, Kind};
use crate::config::Config;
use crate::diagnostic::{Diagnostics, did_you_mean};
use crate::toml_errors::TomlSource;

/// An example of the required fields of `kind`, for hints.
pub fn example_fields(kind: Kind) -> &'static str {
    match kind {
        Kind::Activities => "title = \"元旦晚会\" and date = 2018-12-31",
        Kind::Partners => "name = \"中国银行\" and tier = \"gold\"",
        Kind::Recruitment => "title = \"2018年秋季招新\", opens = 2018-09-10 and closes = 2018-09-20",
        Kind::Pages => "title = \"关于我们\"",
    }
}

pub fn item(fm: &ItemFm, src: &TomlSource<'_>, config: &Config) -> Result<(), Diagnostics> {
    let mut errors = Diagnostics::default();
    let common = fm.common();
    let missing = |field: &str, example: &str| {
        src.at_key(field, format!("missing required field `{field}` in {}", src.what))
            .hint(format!("add a line such as `{field} = {example}` to the front matter"))
    };
    if !matches!(fm, ItemFm::Partner(_)) && common.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        errors.push(missing("title", "\"...\""));
    }
    if let Some(slug) = &common.slug
        && (slug.is_empty() || slug.contains(['/', '\\']) || slug.starts_with('.') || slug.contains(".."))
    {
        errors.push(
            src.at_key("slug", format!("slug `{slug}` is not a single URL segment"))
                .hint("use letters, digits and dashes only, e.g. slug = \"2018-new-year-gala\""),
        );
    }
    if let Some(t) = &common.template
        && (t.contains("..") || t.starts_with('/') || t.contains('\\'))
    {
        errors.push(
            src.at_key("template", format!("template `{t}` must be a file name inside the theme's templates/"))
                .hint("name a template such as template = \"activity-wide.html\""),
        );
    }
    match fm {
        ItemFm::Activity(a) => match a.date {
            None => errors.push(missing("date", "2018-12-31")),
            Some(date) => {
                if let Some(end) = a.end
                    && end.start() < date.start()
                {
                    errors.push(
                        src.at_key("end", format!("the activity ends ({end}) before it starts ({date})"))
                            .hint("set `end` to the same day as `date` or later"),
                    );
                }
            }
        },
        ItemFm::Partner(p) => {
            if config.tier(&p.tier).is_none() {
                let ids: Vec<&str> = config.site.tiers.iter().map(|t| t.id.as_str()).collect();
                let hint = match did_you_mean(&p.tier, ids.iter().copied()) {
                    Some(s) => format!(
                        "did you mean `{s}`? Tiers are declared with [[tiers]] in site.toml: {}",
                        ids.join(", ")
                    ),
                    None if ids.is_empty() => {
                        "declare tiers in site.toml with [[tiers]] id = \"gold\" name = \"金牌赞助\"".into()
                    }
                    None => format!("use one of the tiers declared in site.toml: {}", ids.join(", ")),
                };
                errors.push(src.at_key("tier", format!("unknown tier `{}`", p.tier)).hint(hint));
            }
            if let Some(w) = &p.website
                && !is_web_url(w)
            {
                errors.push(
                    src.at_key("website", format!("website `{w}` is not an http or https address"))
                        .hint("write the full address, e.g. website = \"https://www.example.com/\""),
                );
            }
        }
        ItemFm::Round(r) => {
            if r.closes.start() < r.opens.start() {
                errors.push(
                    src.at_key("closes", format!("the round closes ({}) before it opens ({})", r.closes, r.opens))
                        .hint("set `closes` to a date on or after `opens`"),
                );
            }
            if let Some(a) = &r.apply
                && !is_web_url(a)
                && !is_mailto(a)
            {
                errors.push(
                    src.at_key("apply", format!("apply `{a}` is not a web address or an e-mail link"))
                        .hint("write an https:// address or mailto:someone@example.edu.cn"),
                );
            }
            for (i, stage) in r.stages.iter().enumerate() {
                if stage.date.start() < r.opens.start() {
                    errors.push(
                        src.at_text(
                            "[[stages]]",
                            i,
                            format!("stage `{}` ({}) is before the round opens ({})", stage.name, stage.date, r.opens),
                        )
                        .hint("interview stages happen after applications open; fix the stage's date or `opens`"),
                    );
                }
            }
        }
        ItemFm::Page(_) => {}
    }
    errors.into_result(())
}

fn is_web_url(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace))
}

fn is_mailto(s: &str) -> bool {
    s.strip_prefix("mailto:").is_some_and(|r| r.contains('@') && !r.contains(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_schemes() {
        assert!(is_web_url("https://a.example.com/"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("https://"));
        assert!(is_mailto("mailto:a@b.cn"));
        assert!(!is_mailto("mailto:nobody"));
    }
}

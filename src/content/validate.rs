//! Checks of one item's values that serde's types cannot express.
//!
//! Required fields that depend on the kind, date order (`closes >= opens`, stages not before
//! `opens`), tiers declared in `site.toml`, link schemes and safe slugs. Checks that need other
//! files (sponsor ids, links) live in the model stage.

use super::fields::{ItemFm, Kind};
use crate::codes::Code;
use crate::config::Config;
use crate::diagnostic::{Diagnostics, did_you_mean};
use crate::t;
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
        let (what_en, what_zh) = (&src.what.en, &src.what.zh);
        src.at_key(
            Code::MissingField,
            field,
            t!("missing required field `{field}` in {what_en}", "{what_zh}缺少必填字段 `{field}`"),
        )
        .hint(t!(
            "add a line such as `{field} = {example}` to the front matter",
            "在前置信息中加一行，例如 `{field} = {example}`"
        ))
    };
    if !matches!(fm, ItemFm::Partner(_)) && common.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        errors.push(missing("title", "\"...\""));
    }
    if let Some(slug) = &common.slug
        && (slug.is_empty() || slug.contains(['/', '\\']) || slug.starts_with('.') || slug.contains(".."))
    {
        errors.push(
            src.at_key(
                Code::BadSlug,
                "slug",
                t!("slug `{slug}` is not a single URL segment", "slug `{slug}` 不是单个网址片段"),
            )
            .hint(t!(
                "use letters, digits and dashes only, e.g. slug = \"2018-new-year-gala\"",
                "只用字母、数字和短横线，例如 slug = \"2018-new-year-gala\""
            )),
        );
    }
    if let Some(t) = &common.template
        && (t.contains("..") || t.starts_with('/') || t.contains('\\'))
    {
        errors.push(
            src.at_key(
                Code::BadTemplateName,
                "template",
                t!(
                    "template `{t}` must be a file name inside the theme's templates/",
                    "template `{t}` 必须是主题 templates/ 里的文件名"
                ),
            )
            .hint(t!(
                "name a template such as template = \"activity-wide.html\"",
                "写模板的文件名，例如 template = \"activity-wide.html\""
            )),
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
                        src.at_key(
                            Code::EndBeforeStart,
                            "end",
                            t!(
                                "the activity ends ({end}) before it starts ({date})",
                                "活动的结束时间（{end}）早于开始时间（{date}）"
                            ),
                        )
                        .hint(t!(
                            "set `end` to the same day as `date` or later",
                            "把 `end` 改成与 `date` 同一天或更晚"
                        )),
                    );
                }
            }
        },
        ItemFm::Partner(p) => {
            if config.tier(&p.tier).is_none() {
                let ids: Vec<&str> = config.site.tiers.iter().map(|t| t.id.as_str()).collect();
                let known = ids.join(", ");
                let hint = match did_you_mean(&p.tier, ids.iter().copied()) {
                    Some(s) => t!(
                        "did you mean `{s}`? Tiers are declared with [[tiers]] in site.toml: {known}",
                        "是不是想写 `{s}`？赞助级别在 site.toml 的 [[tiers]] 中声明：{known}"
                    ),
                    None if ids.is_empty() => t!(
                        "declare tiers in site.toml with [[tiers]] id = \"gold\" name = \"金牌赞助\"",
                        "在 site.toml 中用 [[tiers]] id = \"gold\" name = \"金牌赞助\" 声明赞助级别"
                    ),
                    None => t!(
                        "use one of the tiers declared in site.toml: {known}",
                        "请使用 site.toml 中声明的赞助级别之一：{known}"
                    ),
                };
                errors.push(
                    src.at_key(Code::UnknownTier, "tier", t!("unknown tier `{}`", "未知的赞助级别 `{}`", p.tier))
                        .hint(hint),
                );
            }
            if let Some(w) = &p.website
                && !is_web_url(w)
            {
                errors.push(
                    src.at_key(
                        Code::BadWebsite,
                        "website",
                        t!("website `{w}` is not an http or https address", "website `{w}` 不是 http 或 https 网址"),
                    )
                    .hint(t!(
                        "write the full address, e.g. website = \"https://www.example.com/\"",
                        "写完整的网址，例如 website = \"https://www.example.com/\""
                    )),
                );
            }
        }
        ItemFm::Round(r) => {
            if r.closes.start() < r.opens.start() {
                errors.push(
                    src.at_key(
                        Code::ClosesBeforeOpens,
                        "closes",
                        t!(
                            "the round closes ({}) before it opens ({})",
                            "报名截止时间（{}）早于开始时间（{}）",
                            r.closes,
                            r.opens
                        ),
                    )
                    .hint(t!("set `closes` to a date on or after `opens`", "把 `closes` 改成不早于 `opens` 的日期")),
                );
            }
            if let Some(a) = &r.apply
                && !is_web_url(a)
                && !is_mailto(a)
            {
                errors.push(
                    src.at_key(
                        Code::BadApply,
                        "apply",
                        t!("apply `{a}` is not a web address or an e-mail link", "apply `{a}` 不是网址或邮件链接"),
                    )
                    .hint(t!(
                        "write an https:// address or mailto:someone@example.edu.cn",
                        "写 https:// 开头的网址，或 mailto:someone@example.edu.cn"
                    )),
                );
            }
            for (i, stage) in r.stages.iter().enumerate() {
                if stage.date.start() < r.opens.start() {
                    errors.push(
                        src.at_text(
                            Code::StageBeforeOpens,
                            "[[stages]]",
                            i,
                            t!(
                                "stage `{}` ({}) is before the round opens ({})",
                                "环节 `{}`（{}）早于报名开始（{}）",
                                stage.name,
                                stage.date,
                                r.opens
                            ),
                        )
                        .hint(t!(
                            "interview stages happen after applications open; fix the stage's date or `opens`",
                            "面试等环节应在报名开始之后；请修改该环节的日期或 `opens`"
                        )),
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

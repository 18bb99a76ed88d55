//! Turning TOML and serde errors into diagnostics an editor understands.
//!
//! Both `site.toml` and front matter are TOML read through serde with `deny_unknown_fields`.
//! The raw messages (`unknown field `loaction`, expected one of ...`) are correct but terse; this
//! module points at the right line and adds the fix: the closest known field, the field to add,
//! the shape of a value that was expected.

use std::path::Path;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::i18n::Text;
use crate::t;

/// Where a TOML text sits inside its file, to turn TOML spans into file positions.
pub struct TomlSource<'a> {
    /// The file's path (relative to the site root) for messages.
    pub path: &'a Path,
    /// The whole file text (for showing the offending line).
    pub file: &'a str,
    /// The TOML text itself (all of `site.toml`, or the front matter between `+++`).
    pub text: &'a str,
    /// The file line on which `text` starts (1-based).
    pub first_line: usize,
    /// What the TOML describes, for messages ("activity front matter", "site.toml").
    pub what: Text,
}

impl TomlSource<'_> {
    /// A diagnostic for a TOML syntax or schema error.
    pub fn error(&self, err: &toml::de::Error) -> Diagnostic {
        let raw = err.message().trim().to_string();
        let (code, message, hint, span) = explain(&raw, &self.what, self.text, err.span());
        // Chinese keyboards type full-width punctuation that TOML does not accept: say which.
        let line = span.as_ref().and_then(|sp| {
            let start = self.text[..sp.start.min(self.text.len())].rfind('\n').map(|i| i + 1).unwrap_or(0);
            self.text[start..].lines().next()
        });
        let hint = match line.and_then(full_width_hint) {
            Some(h) if code != Code::UnknownField => Some(h),
            _ => hint,
        };
        let d = Diagnostic::new(self.path, code, message);
        let d = match span {
            Some(span) => d.at_offset(self.file, self.text, self.first_line, span.start, span.len()),
            None => d.in_source(self.file, self.first_line, 1, 1),
        };
        match hint {
            Some(h) => d.hint(h),
            None => d,
        }
    }

    /// A diagnostic pointing at the line that sets `key` (top level or in an inline table),
    /// or at the start of the TOML when it is not found.
    pub fn at_key(&self, code: Code, key: &str, message: Text) -> Diagnostic {
        let d = Diagnostic::new(self.path, code, message);
        match find_key(self.text, key) {
            Some((off, len)) => d.at_offset(self.file, self.text, self.first_line, off, len),
            None => d.in_source(self.file, self.first_line, 1, 1),
        }
    }

    /// Like [`Self::at_key`], but finds the `nth` (0-based) occurrence of `needle` in the TOML
    /// text, for pointing into arrays of tables (`[[stages]]`) or inline tables.
    pub fn at_text(&self, code: Code, needle: &str, nth: usize, message: Text) -> Diagnostic {
        match self.text.match_indices(needle).nth(nth) {
            Some((off, s)) => {
                Diagnostic::new(self.path, code, message).at_offset(self.file, self.text, self.first_line, off, s.len())
            }
            None => self.at_key(code, needle, message),
        }
    }
}

/// A hint for full-width punctuation typed with a Chinese input method, if the line has some:
/// every such mistake on the line at once, so one fix-and-rerun is enough.
fn full_width_hint(line: &str) -> Option<Text> {
    let mut found: Vec<Text> = Vec::new();
    if ['“', '”', '‘', '’'].iter().any(|&c| line.contains(c)) {
        found.push(t!("straight quotes \"...\" instead of “ ” or ‘ ’", "英文直引号 \"...\" 代替 “ ” 或 ‘ ’"));
    }
    for (c, ascii) in [('＝', '='), ('，', ','), ('［', '['), ('］', ']'), ('｛', '{'), ('｝', '}'), ('：', ':')]
    {
        // Only outside a value's quotes matters; a Chinese comma inside "..." is fine.
        let outside_quotes = line.split('"').step_by(2).any(|part| part.contains(c));
        if outside_quotes {
            found.push(t!("`{ascii}` instead of the full-width `{c}`", "半角的 `{ascii}` 代替全角的 `{c}`"));
        }
    }
    if !found.is_empty() {
        let en: Vec<&str> = found.iter().map(|t| t.en.as_str()).collect();
        let zh: Vec<&str> = found.iter().map(|t| t.zh.as_str()).collect();
        return Some(Text {
            en: format!("switch the input method to English and type {}", en.join(", ")),
            zh: format!("把输入法切换到英文，用{}", zh.join("，用")),
        });
    }
    let value = line.split_once('=').map(|(_, v)| v.trim()).unwrap_or("");
    if !value.is_empty() && !value.starts_with(['"', '[', '{', '\'']) && value.chars().any(crate::text::is_cjk) {
        return Some(t!(
            "text values need double quotes, e.g. location = \"学生活动中心\"; a date is written 2018-12-29 (no quotes)",
            "文字要放在英文双引号里，例如 location = \"学生活动中心\"；日期写成 2018-12-29（不加引号）"
        ));
    }
    None
}

/// Byte offset and length of the first `key =` assignment in `text`.
pub fn find_key(text: &str, key: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(rest) = trimmed.strip_prefix(key) {
            let rest = rest.trim_start();
            if rest.starts_with('=') {
                return Some((offset + indent, key.len()));
            }
        }
        offset += line.len();
    }
    None
}

fn explain(
    raw: &str,
    what: &Text,
    text: &str,
    span: Option<std::ops::Range<usize>>,
) -> (Code, Text, Option<Text>, Option<std::ops::Range<usize>>) {
    let (what_en, what_zh) = (&what.en, &what.zh);
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> =
            rest.split("expected ").nth(1).map(|e| e.split('`').skip(1).step_by(2).collect()).unwrap_or_default();
        let known = expected.join(", ");
        let hint = match did_you_mean(field, expected.iter().copied()) {
            Some(s) => t!("did you mean `{s}`? Known fields: {known}", "是不是想写 `{s}`？可用的字段：{known}"),
            None if expected.is_empty() => t!("remove this field", "删除这个字段"),
            None => t!(
                "remove it, or put free-form values under [extra]. Known fields: {known}",
                "删除它，或把自定义的值放在 [extra] 下面。可用的字段：{known}"
            ),
        };
        let span = find_key(text, field).map(|(o, l)| o..o + l).or(span);
        return (
            Code::UnknownField,
            t!("unknown field `{field}` in {what_en}", "{what_zh}中有未知字段 `{field}`"),
            Some(hint),
            span,
        );
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or("");
        return (
            Code::MissingField,
            t!("missing required field `{field}` in {what_en}", "{what_zh}缺少必填字段 `{field}`"),
            Some(t!(
                "add a line such as `{field} = ...` to the {what_en}",
                "在{what_zh}中加一行，例如 `{field} = ...`"
            )),
            span.filter(|s| s.start > 0 && s.len() < text.len()),
        );
    }
    if raw.contains("invalid type") || raw.contains("invalid value") {
        let key = span.as_ref().and_then(|sp| key_before(text, sp.start));
        let message = match (&key, expected_phrase(raw)) {
            (Some(k), Some(e)) => Text {
                en: format!("wrong value for `{k}` in {what_en}: expected {}", e.en),
                zh: format!("{what_zh}中 `{k}` 的值不对：应为{}", e.zh),
            },
            (None, Some(e)) => Text {
                en: format!("wrong value in {what_en}: expected {}", e.en),
                zh: format!("{what_zh}中的值不对：应为{}", e.zh),
            },
            _ => {
                let first = first_sentence(raw);
                t!("{first} in {what_en}", "{what_zh}中的值不对：{first}")
            }
        };
        let hint = if raw.contains("date") {
            Some(t!(
                "write a date like 2018-09-16 or a date and time like 2018-09-16T19:00:00 (no quotes)",
                "日期写成 2018-09-16，日期加时间写成 2018-09-16T19:00:00（不加引号）"
            ))
        } else if raw.contains("expected a string") || raw.contains("expected a borrowed string") {
            Some(t!("put the value in double quotes, e.g. \"...\"", "把值放在英文双引号里，例如 \"...\""))
        } else if raw.contains("integer") || raw.contains("expected u") || raw.contains("expected i") {
            Some(t!("write a whole number without quotes or units, e.g. 3000", "写一个整数，不加引号和单位，例如 3000"))
        } else if raw.contains("expected a boolean") {
            Some(t!("write true or false, without quotes", "写 true 或 false，不加引号"))
        } else if raw.contains("sequence") {
            Some(t!("write a list in square brackets, e.g. [\"a\", \"b\"]", "用方括号写列表，例如 [\"a\", \"b\"]"))
        } else {
            None
        };
        return (Code::WrongValue, message, hint, span);
    }
    let first = first_sentence(raw);
    let first_zh = syntax_in_chinese(first).unwrap_or(first);
    (
        Code::TomlSyntax,
        Text {
            en: format!("invalid TOML in {what_en}: {first}"), zh: format!("{what_zh}不是合法的 TOML：{first_zh}")
        },
        Some(if ["date", "time", "offset"].iter().any(|w| first.starts_with(&format!("invalid {w}"))) {
            // Written the right way, but a day that does not exist (2019-13-45, 25:00).
            t!(
                "this date or time does not exist: months go from 01 to 12, days to the month's last, hours from 00 to 23 (e.g. 2018-09-16T19:00:00)",
                "这个日期或时间不存在：月份是 01 到 12，日不超过当月天数，小时是 00 到 23（例如 2018-09-16T19:00:00）"
            )
        } else {
            t!(
                "check quotes, `=` signs and brackets on this line; text values need double quotes",
                "检查这一行的引号、`=` 和括号；文字要放在英文双引号里"
            )
        }),
        span,
    )
}

/// The TOML parser's most common complaints in Chinese (the parser speaks English only).
fn syntax_in_chinese(first: &str) -> Option<&'static str> {
    const KNOWN: &[(&str, &str)] = &[
        ("invalid basic string", "字符串缺少结尾的双引号"),
        ("invalid literal string", "字符串缺少结尾的单引号"),
        ("invalid string", "值不是合法的字符串（缺少引号？）"),
        ("duplicate key", "同一个字段写了两次"),
        ("key with no value", "字段后面缺少 `=` 和值"),
        ("expected `=`", "字段后面缺少 `=`"),
        ("invalid unquoted key", "字段名不合法（只能用字母、数字、_ 和 -）"),
        ("invalid key", "字段名不合法"),
        ("invalid table header", "表头不合法（应写成 [名字] 或 [[名字]]）"),
        ("invalid array", "列表不合法（检查方括号和逗号）"),
        ("invalid inline table", "内联表不合法（检查花括号和逗号）"),
        ("invalid number", "数字不合法"),
        ("invalid date", "日期不合法"),
        ("invalid time", "时间不合法"),
        ("string values must be quoted", "文字值必须放在双引号里"),
    ];
    KNOWN.iter().find(|(en, _)| first.starts_with(en)).map(|(_, zh)| *zh)
}

/// What the value should have been, in plain words.
fn expected_phrase(raw: &str) -> Option<Text> {
    let expected = raw.rsplit("expected ").next()?;
    Some(if expected.contains("date") {
        t!(
            "a date like 2018-09-16 or a date and time like 2018-09-16T19:00:00",
            "日期（如 2018-09-16）或日期加时间（如 2018-09-16T19:00:00）"
        )
    } else if ["u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize", "integer"]
        .iter()
        .any(|t| expected.starts_with(t))
    {
        t!("a whole number", "整数")
    } else if expected.contains("string") {
        t!("text in double quotes", "放在双引号里的文字")
    } else if expected.starts_with("a boolean") {
        t!("true or false", "true 或 false")
    } else if expected.contains("sequence") {
        t!("a list in square brackets", "方括号里的列表")
    } else if expected.contains("map") || expected.contains("struct") || expected.contains("table") {
        t!("a table of fields", "由字段组成的表")
    } else {
        return None;
    })
}

/// The key assigned just before byte `offset` on its line (`amount` in `{ amount = "x" }`).
fn key_before(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let before = text.get(line_start..offset)?;
    let eq = before.rfind('=')?;
    let key: String = before[..eq]
        .trim_end()
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    (!key.is_empty()).then_some(key)
}

fn first_sentence(raw: &str) -> &str {
    raw.lines().next().unwrap_or(raw).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        location: Option<String>,
    }

    fn err_for(text: &str) -> Diagnostic {
        let e = toml::from_str::<T>(text).unwrap_err();
        let src = TomlSource {
            path: Path::new("a.md"),
            file: text,
            text,
            first_line: 1,
            what: t!("front matter", "前置信息"),
        };
        src.error(&e)
    }

    #[test]
    fn unknown_field_suggests_closest() {
        let d = err_for("title = \"x\"\nloaction = \"y\"\n");
        assert_eq!(d.message.en, "unknown field `loaction` in front matter");
        assert_eq!(d.message.zh, "前置信息中有未知字段 `loaction`");
        assert_eq!(d.pos.map(|p| p.line), Some(2));
        assert!(d.hint.unwrap().en.starts_with("did you mean `location`?"));
    }

    #[test]
    fn chinese_keyboard_punctuation_gets_a_precise_hint() {
        let d = err_for("title = “晚会”\n");
        assert_eq!(
            d.hint.unwrap().en,
            "switch the input method to English and type straight quotes \"...\" instead of “ ” or ‘ ’"
        );
        let d = err_for("title ＝ \"晚会\"\n");
        assert_eq!(d.hint.unwrap().zh, "把输入法切换到英文，用半角的 `=` 代替全角的 `＝`");
        let d = err_for("title ＝ “晚会”\n");
        assert_eq!(
            d.hint.unwrap().zh,
            "把输入法切换到英文，用英文直引号 \"...\" 代替 “ ” 或 ‘ ’，用半角的 `=` 代替全角的 `＝`"
        );
        let d = err_for("title = \"晚会，元旦\"\nlocation = 大礼堂\n");
        assert!(d.hint.unwrap().en.starts_with("text values need double quotes"), "a comma inside quotes is fine");
        let d = err_for("title = \"晚会，元旦\"\nlocation = 大礼堂\n");
        assert!(d.hint.unwrap().en.starts_with("text values need double quotes"));
    }

    #[test]
    fn missing_field_names_it() {
        let d = err_for("location = \"y\"\n");
        assert_eq!(d.message.en, "missing required field `title` in front matter");
        assert_eq!(d.message.zh, "前置信息缺少必填字段 `title`");
    }
}

//! Turning TOML and serde errors into diagnostics an editor understands.
//!
//! Both `site.toml` and front matter are TOML read through serde with `deny_unknown_fields`.
//! The raw messages (`unknown field `loaction`, expected one of ...`) are correct but terse; this
//! module points at the right line and adds the fix: the closest known field, the field to add,
//! the shape of a value that was expected.

use std::path::Path;

use crate::diagnostic::{Diagnostic, did_you_mean};

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
    pub what: &'a str,
}

impl TomlSource<'_> {
    /// A diagnostic for a TOML syntax or schema error.
    pub fn error(&self, err: &toml::de::Error) -> Diagnostic {
        let raw = err.message().trim().to_string();
        let (message, hint, span) = explain(&raw, self.what, self.text, err.span());
        // Chinese keyboards type full-width punctuation that TOML does not accept: say which.
        let line = span.as_ref().and_then(|sp| {
            let start = self.text[..sp.start.min(self.text.len())].rfind('\n').map(|i| i + 1).unwrap_or(0);
            self.text[start..].lines().next()
        });
        let hint = match line.and_then(full_width_hint) {
            Some(h) if !raw.starts_with("unknown field") => Some(h),
            _ => hint,
        };
        let d = Diagnostic::new(self.path, message);
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
    pub fn at_key(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::new(self.path, message);
        match find_key(self.text, key) {
            Some((off, len)) => d.at_offset(self.file, self.text, self.first_line, off, len),
            None => d.in_source(self.file, self.first_line, 1, 1),
        }
    }

    /// Like [`Self::at_key`], but finds the `nth` (0-based) occurrence of `needle` in the TOML
    /// text, for pointing into arrays of tables (`[[stages]]`) or inline tables.
    pub fn at_text(&self, needle: &str, nth: usize, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::new(self.path, message);
        match self.text.match_indices(needle).nth(nth) {
            Some((off, s)) => d.at_offset(self.file, self.text, self.first_line, off, s.len()),
            None => self.at_key(needle, d.message),
        }
    }
}

/// A hint for full-width punctuation typed with a Chinese input method, if the line has some.
fn full_width_hint(line: &str) -> Option<String> {
    let found = |c: char| line.contains(c);
    if found('“') || found('”') || found('‘') || found('’') {
        return Some("use straight quotes \"...\" (switch the input method to English), not “ ” or ‘ ’".into());
    }
    for (c, ascii) in [('＝', '='), ('，', ','), ('［', '['), ('］', ']'), ('｛', '{'), ('｝', '}'), ('：', ':')]
    {
        if let Some(eq) = line.find('=') {
            // Only outside the value's quotes matters; a Chinese comma inside "..." is fine.
            let before_value = &line[..eq];
            let after = &line[eq..];
            let outside_quotes = after.split('"').step_by(2).any(|part| part.contains(c));
            if before_value.contains(c) || outside_quotes {
                return Some(format!(
                    "replace the full-width `{c}` with `{ascii}` (switch the input method to English)"
                ));
            }
        } else if line.contains(c) {
            return Some(format!("replace the full-width `{c}` with `{ascii}` (switch the input method to English)"));
        }
    }
    let value = line.split_once('=').map(|(_, v)| v.trim()).unwrap_or("");
    if !value.is_empty() && !value.starts_with(['"', '[', '{', '\'']) && value.chars().any(crate::text::is_cjk) {
        return Some("text values need double quotes, e.g. location = \"学生活动中心\"; a date is written 2018-12-29 (no quotes)".into());
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
    what: &str,
    text: &str,
    span: Option<std::ops::Range<usize>>,
) -> (String, Option<String>, Option<std::ops::Range<usize>>) {
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> =
            rest.split("expected ").nth(1).map(|e| e.split('`').skip(1).step_by(2).collect()).unwrap_or_default();
        let hint = match did_you_mean(field, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? Known fields: {}", expected.join(", ")),
            None if expected.is_empty() => "remove this field".to_string(),
            None => format!("remove it, or put free-form values under [extra]. Known fields: {}", expected.join(", ")),
        };
        let span = find_key(text, field).map(|(o, l)| o..o + l).or(span);
        return (format!("unknown field `{field}` in {what}"), Some(hint), span);
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or("");
        return (
            format!("missing required field `{field}` in {what}"),
            Some(format!("add a line such as `{field} = ...` to the {what}")),
            span.filter(|s| s.start > 0 && s.len() < text.len()),
        );
    }
    if raw.contains("invalid type") || raw.contains("invalid value") {
        let key = span.as_ref().and_then(|sp| key_before(text, sp.start));
        let expected = expected_phrase(raw);
        let message = match (&key, expected) {
            (Some(k), Some(e)) => format!("wrong value for `{k}` in {what}: expected {e}"),
            (None, Some(e)) => format!("wrong value in {what}: expected {e}"),
            _ => format!("{} in {what}", first_sentence(raw)),
        };
        let hint = if raw.contains("date") {
            Some("write a date like 2018-09-16 or a date and time like 2018-09-16T19:00:00 (no quotes)".to_string())
        } else if raw.contains("expected a string") || raw.contains("expected a borrowed string") {
            Some("put the value in double quotes, e.g. \"...\"".to_string())
        } else if raw.contains("integer") || raw.contains("expected u") || raw.contains("expected i") {
            Some("write a whole number without quotes or units, e.g. 3000".to_string())
        } else if raw.contains("expected a boolean") {
            Some("write true or false, without quotes".to_string())
        } else if raw.contains("sequence") {
            Some("write a list in square brackets, e.g. [\"a\", \"b\"]".to_string())
        } else {
            None
        };
        return (message, hint, span);
    }
    (
        format!("invalid TOML in {what}: {}", first_sentence(raw)),
        Some("check quotes, `=` signs and brackets on this line; text values need double quotes".to_string()),
        span,
    )
}

/// What the value should have been, in plain words.
fn expected_phrase(raw: &str) -> Option<&'static str> {
    let expected = raw.rsplit("expected ").next()?;
    Some(if expected.contains("date") {
        "a date like 2018-09-16 or a date and time like 2018-09-16T19:00:00"
    } else if ["u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize", "integer"]
        .iter()
        .any(|t| expected.starts_with(t))
    {
        "a whole number"
    } else if expected.contains("string") {
        "text in double quotes"
    } else if expected.starts_with("a boolean") {
        "true or false"
    } else if expected.contains("sequence") {
        "a list in square brackets"
    } else if expected.contains("map") || expected.contains("struct") || expected.contains("table") {
        "a table of fields"
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
        let src = TomlSource { path: Path::new("a.md"), file: text, text, first_line: 1, what: "front matter" };
        src.error(&e)
    }

    #[test]
    fn unknown_field_suggests_closest() {
        let d = err_for("title = \"x\"\nloaction = \"y\"\n");
        assert_eq!(d.message, "unknown field `loaction` in front matter");
        assert_eq!(d.pos.map(|p| p.line), Some(2));
        assert!(d.hint.unwrap().starts_with("did you mean `location`?"));
    }

    #[test]
    fn chinese_keyboard_punctuation_gets_a_precise_hint() {
        let d = err_for("title = “晚会”\n");
        assert!(d.hint.unwrap().starts_with("use straight quotes"), "curly quotes");
        let d = err_for("title ＝ \"晚会\"\n");
        assert!(d.hint.unwrap().starts_with("replace the full-width `＝` with `=`"));
        let d = err_for("title = \"晚会，元旦\"\nlocation = 大礼堂\n");
        assert!(d.hint.unwrap().starts_with("text values need double quotes"));
    }

    #[test]
    fn missing_field_names_it() {
        let d = err_for("location = \"y\"\n");
        assert_eq!(d.message, "missing required field `title` in front matter");
    }
}

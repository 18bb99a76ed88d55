//! Filters and functions templates use: dates in the site's language, money, URLs, UI strings.

use std::collections::BTreeMap;
use std::sync::Arc;

use minijinja::{Environment, Error, ErrorKind, Value};

use crate::config::Config;

/// Registers liaison's filters and functions on `env`.
pub fn register(env: &mut Environment<'_>, config: &Config, strings: &BTreeMap<String, String>) {
    let zh = config.site.language.starts_with("zh");
    env.add_filter("date", move |v: Value| date_filter(&v, zh, false));
    env.add_filter("datetime", move |v: Value| date_filter(&v, zh, true));
    env.add_filter("money", |v: Value| -> Result<String, Error> {
        let n = i64::try_from(v.clone())
            .map_err(|_| Error::new(ErrorKind::InvalidOperation, format!("money expects a whole number, got {v}")))?;
        Ok(group_thousands(n))
    });
    let base = Arc::new(config.clone());
    let c = base.clone();
    env.add_function("url", move |path: &Value| c.url(&text(path)));
    let c = base.clone();
    env.add_function("abs_url", move |path: &Value| c.permalink(&text(path)));
    // Each UI string is made a template value once: `t` is called dozens of times per page (with
    // SipHash, hashing its key was a third of the call).
    let strings: crate::fxhash::FxHashMap<String, Value> =
        strings.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))).collect();
    let lang = config.site.language.clone();
    env.add_function("t", move |key: &Value| -> Result<Value, Error> {
        let key = text(key);
        strings.get(&*key).cloned().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "no UI string `{key}` for language {lang}; add `{key} = \"...\"` to the theme's i18n/{lang}.toml"
                ),
            )
        })
    });
}

/// A function's argument as text: a string as it is (not copied), any other value as it prints,
/// as a `String` parameter took it.
fn text(v: &Value) -> std::borrow::Cow<'_, str> {
    match v.as_str() {
        Some(s) => s.into(),
        None => v.to_string().into(),
    }
}

/// Dates are optional on most items: formatting a missing one gives empty text.
fn date_filter(v: &Value, zh: bool, time: bool) -> Result<String, Error> {
    if v.is_none() || v.is_undefined() {
        return Ok(String::new());
    }
    match v.as_str() {
        Some(s) => format_date(s, zh, time),
        None => Err(Error::new(ErrorKind::InvalidOperation, format!("`{v}` is not a date"))),
    }
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `2018-09-16` -> `2018年9月16日` (zh) or `Sep 16, 2018`; with `time`, the time of day too.
pub fn format_date(iso: &str, zh: bool, time: bool) -> Result<String, Error> {
    let bad = || {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("`{iso}` is not a date (expected 2018-09-16 or 2018-09-16T19:00:00)"),
        )
    };
    let num = |s: Option<&str>| s.and_then(parse_u32).ok_or_else(bad);
    let y = num(iso.get(0..4))?;
    let m = num(iso.get(5..7))?;
    let d = num(iso.get(8..10))?;
    if !(1..=12).contains(&m) {
        return Err(bad());
    }
    let hm = iso.get(11..16).filter(|_| time);
    // Written piece by piece: `format!` cost ~2,000 instructions a date (4,500 dates at 1,000 pages).
    let mut out = String::with_capacity(24);
    if zh {
        push_u32(&mut out, y);
        out.push('年');
        push_u32(&mut out, m);
        out.push('月');
        push_u32(&mut out, d);
        out.push('日');
        if let Some(hm) = hm {
            out.push(' ');
            out.push_str(hm);
        }
    } else {
        out.push_str(MONTHS[m as usize - 1]);
        out.push(' ');
        push_u32(&mut out, d);
        out.push_str(", ");
        push_u32(&mut out, y);
        if let Some(hm) = hm {
            out.push_str(", ");
            out.push_str(hm);
        }
    }
    Ok(out)
}

/// `s` as `s.parse::<u32>()` reads it (decimal digits, one optional leading `+`), for the few
/// digits of a date.
fn parse_u32(s: &str) -> Option<u32> {
    let digits = s.strip_prefix('+').unwrap_or(s);
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    Some(digits.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
}

/// Appends `n` in decimal.
fn push_u32(out: &mut String, n: u32) {
    let mut buf = [0u8; 10];
    let mut at = buf.len();
    let mut n = n;
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[at..] {
        out.push(char::from(b));
    }
}

pub fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_languages() {
        assert_eq!(format_date("2018-09-16", true, false).unwrap(), "2018年9月16日");
        assert_eq!(format_date("2018-09-16", false, false).unwrap(), "Sep 16, 2018");
        assert_eq!(format_date("2018-09-16T19:30:00", true, true).unwrap(), "2018年9月16日 19:30");
        assert!(format_date("tomorrow", true, false).is_err());
    }

    #[test]
    fn dates_read_numbers_as_parse_does() {
        for iso in
            ["+018-+9-+6", "0000-00-01", "2018-1x-16", "20a8-09-16", "2018-09-1", "+18-09-16T07:05:59", "2018-13-01"]
        {
            for (zh, time) in [(true, false), (true, true), (false, false), (false, true)] {
                let reference = || -> Option<String> {
                    let num = |s: Option<&str>| s.and_then(|x| x.parse::<u32>().ok());
                    let (y, m, d) = (num(iso.get(0..4))?, num(iso.get(5..7))?, num(iso.get(8..10))?);
                    if !(1..=12).contains(&m) {
                        return None;
                    }
                    let hm = iso.get(11..16).filter(|_| time);
                    Some(match (zh, hm) {
                        (true, None) => format!("{y}年{m}月{d}日"),
                        (true, Some(hm)) => format!("{y}年{m}月{d}日 {hm}"),
                        (false, None) => format!("{} {d}, {y}", MONTHS[m as usize - 1]),
                        (false, Some(hm)) => format!("{} {d}, {y}, {hm}", MONTHS[m as usize - 1]),
                    })
                };
                assert_eq!(format_date(iso, zh, time).ok(), reference(), "{iso} {zh} {time}");
            }
        }
        assert_eq!(format_date("2018-09-16T19:30:00", false, true).ok().as_deref(), Some("Sep 16, 2018, 19:30"));
    }

    #[test]
    fn money() {
        assert_eq!(group_thousands(53500), "53,500");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_000_000), "1,000,000");
    }
}

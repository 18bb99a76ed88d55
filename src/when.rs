//! Dates and times as editors write them, and the build's "now".
//!
//! Front matter dates are TOML local dates (`2018-09-16`) or local date-times
//! (`2018-09-16T19:00:00`), read in the site's timezone; an offset date-time is converted into
//! it. TOML dates do not deserialize straight into jiff types, so [`When`] goes through
//! `toml::value::Datetime`.

use std::fmt;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};
use serde::{Deserialize, Deserializer, Serialize};

/// A date, or a date with a time of day, in the site's timezone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum When {
    Date(Date),
    DateTime(DateTime),
}

impl When {
    pub fn date(self) -> Date {
        match self {
            When::Date(d) => d,
            When::DateTime(dt) => dt.date(),
        }
    }

    /// The moment this starts: midnight for a bare date.
    pub fn start(self) -> DateTime {
        match self {
            When::Date(d) => d.to_datetime(Time::midnight()),
            When::DateTime(dt) => dt,
        }
    }

    /// The instant this begins, in `tz`.
    pub fn start_instant(self, tz: &TimeZone) -> Timestamp {
        tz.to_ambiguous_timestamp(self.start()).compatible().unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// The instant this ends when used as a deadline: the end of the day for a bare date
    /// (so `closes = 2018-09-30` is open all of the 30th), the moment itself for a date-time.
    pub fn end_instant(self, tz: &TimeZone) -> Timestamp {
        match self {
            When::Date(d) => {
                let next = d.tomorrow().unwrap_or(d);
                When::Date(next).start_instant(tz)
            }
            When::DateTime(_) => self.start_instant(tz),
        }
    }

    /// ISO 8601 text: `2018-09-16` or `2018-09-16T19:00:00`.
    pub fn iso(self) -> String {
        self.to_string()
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            When::Date(d) => write!(f, "{d}"),
            When::DateTime(dt) => write!(f, "{}", dt.strftime("%Y-%m-%dT%H:%M:%S")),
        }
    }
}

impl Serialize for When {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

const EXPECTED: &str = "a date like 2018-09-16 or a date and time like 2018-09-16T19:00:00";

impl<'de> Deserialize<'de> for When {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let dt = toml::value::Datetime::deserialize(d)
            .map_err(|_| D::Error::custom(format!("invalid value: expected {EXPECTED}")))?;
        from_toml(&dt).map_err(D::Error::custom)
    }
}

/// Converts a TOML datetime into a [`When`]. Offset date-times are kept as the local time they
/// name; they are rare in front matter and the site has one timezone.
pub fn from_toml(dt: &toml::value::Datetime) -> Result<When, String> {
    let bad = || format!("invalid value: expected {EXPECTED}");
    let Some(d) = dt.date else {
        return Err(format!("invalid value: a time without a date; expected {EXPECTED}"));
    };
    let date = Date::new(d.year as i16, d.month as i8, d.day as i8).map_err(|_| bad())?;
    match dt.time {
        None => Ok(When::Date(date)),
        Some(t) => {
            let time = Time::new(
                t.hour as i8,
                t.minute as i8,
                t.second.unwrap_or(0).min(59) as i8,
                t.nanosecond.unwrap_or(0) as i32,
            )
            .map_err(|_| bad())?;
            Ok(When::DateTime(date.to_datetime(time)))
        }
    }
}

/// The build's "now": `--now`, else `SOURCE_DATE_EPOCH`, else the clock.
pub fn resolve_now(
    flag: Option<&str>,
    source_date_epoch: Option<&str>,
    tz: &TimeZone,
) -> Result<ZonedDateTime, crate::i18n::Text> {
    if let Some(text) = flag {
        return parse_now(text, tz).ok_or_else(|| {
            crate::t!(
                "`--now {text}` is not a time liaison understands; use 2018-09-20, 2018-09-20T19:00:00 or 2018-09-20T19:00:00+08:00",
                "liaison 无法识别 `--now {text}`；请写成 2018-09-20、2018-09-20T19:00:00 或 2018-09-20T19:00:00+08:00"
            )
        });
    }
    if let Some(epoch) = source_date_epoch.filter(|s| !s.trim().is_empty()) {
        let secs: i64 = epoch.trim().parse().map_err(|_| {
            crate::t!(
                "SOURCE_DATE_EPOCH={epoch} is not a number of seconds since 1970",
                "SOURCE_DATE_EPOCH={epoch} 不是自 1970 年起的秒数"
            )
        })?;
        let ts = Timestamp::from_second(secs)
            .map_err(|e| crate::t!("SOURCE_DATE_EPOCH={epoch}: {e}", "SOURCE_DATE_EPOCH={epoch}：{e}"))?;
        return Ok(ts.to_zoned_datetime(tz.clone()));
    }
    Ok(Timestamp::now().to_zoned_datetime(tz.clone()))
}

fn parse_now(text: &str, tz: &TimeZone) -> Option<ZonedDateTime> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Some(ts.to_zoned_datetime(tz.clone()));
    }
    if let Ok(dt) = text.parse::<DateTime>() {
        return dt.to_zoned_datetime(tz.clone()).ok();
    }
    if let Ok(d) = text.parse::<Date>() {
        return d.to_zoned_datetime(tz.clone()).ok();
    }
    None
}

/// An instant as RFC 3339 text with the site's offset, e.g. `2018-09-30T23:59:59+08:00`.
pub fn rfc3339(ts: Timestamp, tz: &TimeZone) -> String {
    ts.to_zoned_datetime(tz.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        d: When,
    }

    #[test]
    fn reads_dates_and_datetimes() {
        let t: T = toml::from_str("d = 2018-09-16").unwrap();
        assert_eq!(t.d.iso(), "2018-09-16");
        let t: T = toml::from_str("d = 2018-09-16T19:30:00").unwrap();
        assert_eq!(t.d.iso(), "2018-09-16T19:30:00");
        assert!(toml::from_str::<T>("d = \"tomorrow\"").is_err());
    }

    #[test]
    fn date_deadline_lasts_the_whole_day() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        let w = When::Date(jiff::civil::date(2018, 9, 30));
        assert_eq!(rfc3339(w.end_instant(&tz), &tz), "2018-10-01T00:00:00+08:00");
        assert_eq!(rfc3339(w.start_instant(&tz), &tz), "2018-09-30T00:00:00+08:00");
    }

    #[test]
    fn now_from_flag_and_epoch() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        let z = resolve_now(Some("2018-09-20"), None, &tz).unwrap();
        assert_eq!(z.strftime("%Y-%m-%dT%H:%M%:z").to_string(), "2018-09-20T00:00+08:00");
        let z = resolve_now(None, Some("0"), &tz).unwrap();
        assert_eq!(z.strftime("%Y-%m-%dT%H:%M").to_string(), "1970-01-01T08:00");
        assert!(resolve_now(Some("tomorrow"), None, &tz).is_err());
    }
}

//! `calendar.ics` (RFC 5545): activities, recruitment windows and interview stages; plus one
//! `calendar.ics` per round beside its page, for "add to calendar".
//!
//! Built with the `ics` crate (line folding, CRLF). Times are written in UTC so no VTIMEZONE
//! block is needed; dates without a time become all-day events. UIDs come from the item's id
//! and the site's host, and DTSTAMP from the item's own dates, so the file is the same bytes on
//! every build of the same input.

use ics::properties::{CalScale, Method, Name};
use ics::{ICalendar, escape_text};

use jiff::tz::TimeZone;

use crate::config::Config;
use crate::model::{Item, ItemData, Round, Site};
use crate::when::When;

fn utc(w: When, tz: &TimeZone) -> String {
    let t = w.start_instant(tz);
    let d = TimeZone::UTC.to_datetime(t);
    if !(0..=9999).contains(&d.year()) {
        return t.strftime("%Y%m%dT%H%M%SZ").to_string();
    }
    let mut out = String::with_capacity(16);
    digits(&mut out, d.year().unsigned_abs().into(), 4);
    digits(&mut out, d.month().unsigned_abs().into(), 2);
    digits(&mut out, d.day().unsigned_abs().into(), 2);
    out.push('T');
    digits(&mut out, d.hour().unsigned_abs().into(), 2);
    digits(&mut out, d.minute().unsigned_abs().into(), 2);
    digits(&mut out, d.second().unsigned_abs().into(), 2);
    out.push('Z');
    out
}

/// `n` in `width` decimal digits, zero-padded (`n` has no more digits than that).
fn digits(out: &mut String, n: u32, width: u32) {
    for k in (0..width).rev() {
        out.push(char::from(b'0' + (n / 10u32.pow(k) % 10) as u8));
    }
}

fn day(d: jiff::civil::Date) -> String {
    d.strftime("%Y%m%d").to_string()
}

fn host(config: &Config) -> &str {
    let rest = config.base_url.split("://").nth(1).unwrap_or(&config.base_url);
    rest.split('/').next().unwrap_or("liaison")
}

/// The longest a content line gets before it is folded (bytes), as in the `ics` crate.
const LIMIT: usize = 75;

/// Writes one content line, `KEY[;PARAM]:VALUE` and CRLF, folded as the `ics` crate folds it
/// (after at most 75 bytes, at a character boundary, with CRLF and a space). Events were
/// `ics::Event`s written through `Display` (1.6% of a build's instructions at 1,000 pages);
/// the test `lines_are_written_as_the_ics_crate_writes_them` holds this to the crate's output.
fn line(out: &mut String, key: &str, param: Option<&str>, value: &str) {
    let len = key.len() + param.map_or(0, |p| p.len() + 1) + 1 + value.len();
    if len <= LIMIT {
        out.push_str(key);
        if let Some(p) = param {
            out.push(';');
            out.push_str(p);
        }
        out.push(':');
        out.push_str(value);
    } else {
        let mut content = String::with_capacity(len);
        content.push_str(key);
        if let Some(p) = param {
            content.push(';');
            content.push_str(p);
        }
        content.push(':');
        content.push_str(value);
        fold(out, &content);
    }
    out.push_str("\r\n");
}

/// `ics`'s folding: pieces of at most [`LIMIT`] bytes ending at a character boundary, joined by
/// CRLF and a space.
fn fold(out: &mut String, mut content: &str) {
    loop {
        let boundary = next_boundary(content);
        out.push_str(&content[..boundary]);
        content = &content[boundary..];
        if content.is_empty() {
            return;
        }
        out.push_str("\r\n ");
    }
}

fn next_boundary(input: &str) -> usize {
    let bytes = input.as_bytes();
    if LIMIT >= bytes.len() {
        return bytes.len();
    }
    match bytes[..=LIMIT].iter().rposition(|&b| !(128..192).contains(&b)) {
        Some(0) | None => bytes.len(),
        Some(index) => index,
    }
}

/// Starts an event (`BEGIN`, `UID`, `DTSTAMP`) from `start` to `end` (inclusive end date for
/// all-day events); its other lines follow, then [`end_event`].
fn event(out: &mut String, uid: &str, stamp: &str, start: When, end: Option<When>, tz: &TimeZone) {
    out.push_str("BEGIN:VEVENT\r\n");
    line(out, "UID", None, uid);
    line(out, "DTSTAMP", None, stamp);
    match start {
        When::Date(d) => {
            line(out, "DTSTART", Some("VALUE=DATE"), &day(d));
            let last = end.map(|w| w.date()).filter(|l| *l >= d).unwrap_or(d);
            line(out, "DTEND", Some("VALUE=DATE"), &day(last.tomorrow().unwrap_or(last)));
        }
        When::DateTime(_) => {
            line(out, "DTSTART", None, &utc(start, tz));
            match end {
                Some(When::DateTime(_)) => line(out, "DTEND", None, &utc(end.unwrap_or(start), tz)),
                Some(When::Date(d)) => {
                    let next = When::Date(d.tomorrow().unwrap_or(d));
                    line(out, "DTEND", None, &utc(next, tz));
                }
                None => {}
            }
        }
    }
}

fn end_event(out: &mut String) {
    out.push_str("END:VEVENT\r\n");
}

fn stamp(item: &Item, tz: &TimeZone) -> String {
    item.updated.or(item.date).map(|w| utc(w, tz)).unwrap_or_else(|| "19700101T000000Z".to_string())
}

fn round_events(out: &mut String, item: &Item, round: &Round, config: &Config) {
    let tz = &config.tz;
    let host = host(config);
    let url = config.permalink(&item.path);
    let stamp = stamp(item, tz);
    event(out, &format!("round-{}@{host}", item.id), &stamp, round.opens, Some(round.closes), tz);
    line(out, "SUMMARY", None, &escape_text(item.title.as_str()));
    let mut description = item.summary.clone();
    if let Some(a) = &round.audience {
        description = format!("{description}\n{a}");
    }
    if let Some(a) = &round.apply {
        description = format!("{description}\n{a}");
    }
    line(out, "DESCRIPTION", None, &escape_text(description.trim()));
    line(out, "URL", None, &url);
    line(out, "CATEGORIES", None, "recruitment");
    end_event(out);
    for (n, s) in round.stages.iter().enumerate() {
        event(out, &format!("round-{}-stage-{}@{host}", item.id, n + 1), &stamp, s.date, None, tz);
        line(out, "SUMMARY", None, &escape_text(format!("{} · {}", item.title, s.name)));
        if let Some(l) = &s.location {
            line(out, "LOCATION", None, &escape_text(l.as_str()));
        }
        line(out, "URL", None, &url);
        line(out, "CATEGORIES", None, "recruitment");
        end_event(out);
    }
}

/// A calendar named `name` holding `events` (each the text of one item's events, see
/// [`item_events`]), in order. Events are made per item so a watch rebuild remakes only the
/// changed items' (the text is what the `ics` crate writes for a calendar of those events).
pub fn calendar<'e>(name: &str, events: impl Iterator<Item = &'e str> + Clone) -> String {
    let mut cal = ICalendar::new("2.0", "-//liaison//static site//ZH");
    cal.push(CalScale::new("GREGORIAN"));
    cal.push(Method::new("PUBLISH"));
    cal.push(Name::new(escape_text(name.to_string())));
    cal.push(ics::components::Property::new("X-WR-CALNAME", escape_text(name.to_string())));
    const END: &str = "END:VCALENDAR\r\n";
    let mut text = cal.to_string();
    text.truncate(text.len().saturating_sub(END.len()));
    // Sized once: the site's calendar is megabytes at 10,000 items (it grew by doubling).
    text.reserve(events.clone().map(str::len).sum::<usize>() + END.len());
    for e in events {
        text.push_str(e);
    }
    text.push_str(END);
    text
}

/// The text of an item's events in a calendar: an activity's, or a round's application window
/// and interview stages; empty for other items and undated activities.
pub fn item_events(item: &Item, config: &Config) -> String {
    let tz = &config.tz;
    let mut out = String::new();
    match &item.data {
        ItemData::Activity(a) => {
            let Some(date) = item.date else { return out };
            out.reserve(512);
            event(&mut out, &format!("activity-{}@{}", item.id, host(config)), &stamp(item, tz), date, a.end, tz);
            line(&mut out, "SUMMARY", None, &escape_text(item.title.as_str()));
            if let Some(l) = &a.location {
                line(&mut out, "LOCATION", None, &escape_text(l.as_str()));
            }
            line(&mut out, "DESCRIPTION", None, &escape_text(item.summary.as_str()));
            line(&mut out, "URL", None, &config.permalink(&item.path));
            line(&mut out, "CATEGORIES", None, "activity");
            end_event(&mut out);
        }
        ItemData::Round(r) => round_events(&mut out, item, r, config),
        _ => {}
    }
    out
}

/// The site-wide calendar, from each item's events (`events[n]` for `site.items[n]`).
pub fn site_calendar(site: &Site, config: &Config, events: &[impl AsRef<str>]) -> String {
    calendar(&config.site.title, site.order.iter().map(|&n| events[n].as_ref()))
}

/// The calendar of one round (`events`: its [`item_events`]).
pub fn round_calendar(item: &Item, config: &Config, events: &str) -> String {
    calendar(&format!("{} · {}", config.site.title, item.title), std::iter::once(events))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ics::components::Property;

    #[test]
    fn lines_are_written_as_the_ics_crate_writes_them() {
        let alphabet: Vec<char> = "ab 9,;:中文赞é🎉\\".chars().collect();
        let mut seed = 0x1234_5678_u32;
        for len in 0..400 {
            let value = crate::text::random_text(&alphabet, len, &mut seed);
            for param in [None, Some("VALUE=DATE")] {
                let mut ours = String::new();
                line(&mut ours, "DESCRIPTION", param, &value);
                let mut theirs = Property::new("DESCRIPTION", value.as_str());
                if param.is_some() {
                    theirs.add(ics::parameters::Value::DATE);
                }
                assert_eq!(ours, theirs.to_string(), "{value:?}");
            }
        }
    }

    #[test]
    fn events_are_written_as_the_ics_crate_writes_them() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap_or(TimeZone::UTC);
        let date = |s: &str| When::Date(s.parse().unwrap_or_default());
        let time = |s: &str| When::DateTime(s.parse().unwrap_or_default());
        let cases = [
            (date("2018-09-16"), None),
            (date("2018-09-16"), Some(date("2018-09-18"))),
            (date("2018-09-16"), Some(date("2018-09-01"))),
            (time("2018-09-16T19:00:00"), None),
            (time("2018-09-16T19:00:00"), Some(time("2018-09-16T21:30:05"))),
            (time("2018-12-31T23:00:00"), Some(date("2018-12-31"))),
        ];
        for (start, end) in cases {
            let mut ours = String::new();
            event(&mut ours, "activity-1@example.org", "20180916T110000Z", start, end, &tz);
            line(&mut ours, "SUMMARY", None, &escape_text("a, b; c"));
            end_event(&mut ours);
            let mut e = ics::Event::new("activity-1@example.org", "20180916T110000Z");
            match start {
                When::Date(d) => {
                    let mut s = ics::properties::DtStart::new(day(d));
                    s.add(ics::parameters::Value::DATE);
                    e.push(s);
                    let last = end.map(|w| w.date()).filter(|l| *l >= d).unwrap_or(d);
                    let mut en = ics::properties::DtEnd::new(day(last.tomorrow().unwrap_or(last)));
                    en.add(ics::parameters::Value::DATE);
                    e.push(en);
                }
                When::DateTime(_) => {
                    let stamp = |w: When| w.start_instant(&tz).strftime("%Y%m%dT%H%M%SZ").to_string();
                    e.push(ics::properties::DtStart::new(stamp(start)));
                    match end {
                        Some(When::DateTime(_)) => e.push(ics::properties::DtEnd::new(stamp(end.unwrap_or(start)))),
                        Some(When::Date(d)) => {
                            e.push(ics::properties::DtEnd::new(stamp(When::Date(d.tomorrow().unwrap_or(d)))))
                        }
                        None => {}
                    }
                }
            }
            e.push(ics::properties::Summary::new(escape_text("a, b; c")));
            assert_eq!(ours, e.to_string(), "{start:?} {end:?}");
        }
    }

    #[test]
    fn utc_times_equal_strftime() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap_or(TimeZone::UTC);
        for s in [
            "2018-09-16T19:00:00",
            "0001-01-01T07:59:59",
            "0999-06-01T12:00:00",
            "9999-12-31T23:59:59",
            "2024-02-29T00:00:00",
        ] {
            let w = When::DateTime(s.parse().unwrap_or_default());
            assert_eq!(utc(w, &tz), w.start_instant(&tz).strftime("%Y%m%dT%H%M%SZ").to_string(), "{s}");
        }
    }
}

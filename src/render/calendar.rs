//! `calendar.ics` (RFC 5545): activities, recruitment windows and interview stages; plus one
//! `calendar.ics` per round beside its page, for "add to calendar".
//!
//! Built with the `ics` crate (line folding, CRLF). Times are written in UTC so no VTIMEZONE
//! block is needed; dates without a time become all-day events. UIDs come from the item's id
//! and the site's host, and DTSTAMP from the item's own dates, so the file is the same bytes on
//! every build of the same input.

use ics::parameters::Value as ValueType;
use ics::properties::{CalScale, Categories, Description, DtEnd, DtStart, Location, Method, Name, Summary, URL};
use ics::{Event, ICalendar, escape_text};

use jiff::tz::TimeZone;

use crate::config::Config;
use crate::model::{Item, ItemData, Round, Site};
use crate::when::When;

fn utc(w: When, tz: &TimeZone) -> String {
    w.start_instant(tz).strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn day(d: jiff::civil::Date) -> String {
    d.strftime("%Y%m%d").to_string()
}

fn host(config: &Config) -> &str {
    let rest = config.base_url.split("://").nth(1).unwrap_or(&config.base_url);
    rest.split('/').next().unwrap_or("liaison")
}

/// An event from `start` to `end` (inclusive end date for all-day events).
fn event<'a>(uid: String, stamp: String, start: When, end: Option<When>, tz: &TimeZone) -> Event<'a> {
    let mut e = Event::new(uid, stamp);
    match start {
        When::Date(d) => {
            let mut s = DtStart::new(day(d));
            s.add(ValueType::DATE);
            e.push(s);
            let last = end.map(|w| w.date()).filter(|l| *l >= d).unwrap_or(d);
            let mut en = DtEnd::new(day(last.tomorrow().unwrap_or(last)));
            en.add(ValueType::DATE);
            e.push(en);
        }
        When::DateTime(_) => {
            e.push(DtStart::new(utc(start, tz)));
            match end {
                Some(When::DateTime(_)) => e.push(DtEnd::new(utc(end.unwrap_or(start), tz))),
                Some(When::Date(d)) => {
                    let next = When::Date(d.tomorrow().unwrap_or(d));
                    e.push(DtEnd::new(utc(next, tz)));
                }
                None => {}
            }
        }
    }
    e
}

fn stamp(item: &Item, tz: &TimeZone) -> String {
    item.updated.or(item.date).map(|w| utc(w, tz)).unwrap_or_else(|| "19700101T000000Z".to_string())
}

fn round_events<'a>(item: &'a Item, round: &'a Round, config: &Config) -> Vec<Event<'a>> {
    let tz = &config.tz;
    let host = host(config);
    let url = config.permalink(&item.path);
    let mut events = Vec::new();
    let closes_end = match round.closes {
        When::Date(_) => Some(round.closes),
        When::DateTime(_) => Some(round.closes),
    };
    let mut window = event(format!("round-{}@{host}", item.id), stamp(item, tz), round.opens, closes_end, tz);
    window.push(Summary::new(escape_text(item.title.clone())));
    let mut description = item.summary.clone();
    if let Some(a) = &round.audience {
        description = format!("{description}\n{a}");
    }
    if let Some(a) = &round.apply {
        description = format!("{description}\n{a}");
    }
    window.push(Description::new(escape_text(description.trim().to_string())));
    window.push(URL::new(url.clone()));
    window.push(Categories::new("recruitment"));
    events.push(window);
    for (n, s) in round.stages.iter().enumerate() {
        let mut e = event(format!("round-{}-stage-{}@{host}", item.id, n + 1), stamp(item, tz), s.date, None, tz);
        e.push(Summary::new(escape_text(format!("{} · {}", item.title, s.name))));
        if let Some(l) = &s.location {
            e.push(Location::new(escape_text(l.clone())));
        }
        e.push(URL::new(url.clone()));
        e.push(Categories::new("recruitment"));
        events.push(e);
    }
    events
}

/// A calendar named `name` holding `events` (each the text of one item's events, see
/// [`item_events`]), in order. Events are made per item so a watch rebuild remakes only the
/// changed items' (the text is what the `ics` crate writes for a calendar of those events).
pub fn calendar<'e>(name: &str, events: impl Iterator<Item = &'e str>) -> String {
    let mut cal = ICalendar::new("2.0", "-//liaison//static site//ZH");
    cal.push(CalScale::new("GREGORIAN"));
    cal.push(Method::new("PUBLISH"));
    cal.push(Name::new(escape_text(name.to_string())));
    cal.push(ics::components::Property::new("X-WR-CALNAME", escape_text(name.to_string())));
    const END: &str = "END:VCALENDAR\r\n";
    let mut text = cal.to_string();
    text.truncate(text.len().saturating_sub(END.len()));
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
    let host = host(config);
    let events = match &item.data {
        ItemData::Activity(a) => {
            let Some(date) = item.date else { return String::new() };
            let mut e = event(format!("activity-{}@{host}", item.id), stamp(item, tz), date, a.end, tz);
            e.push(Summary::new(escape_text(item.title.clone())));
            if let Some(l) = &a.location {
                e.push(Location::new(escape_text(l.clone())));
            }
            e.push(Description::new(escape_text(item.summary.clone())));
            e.push(URL::new(config.permalink(&item.path)));
            e.push(Categories::new("activity"));
            vec![e]
        }
        ItemData::Round(r) => round_events(item, r, config),
        _ => return String::new(),
    };
    events.iter().map(ToString::to_string).collect()
}

/// The site-wide calendar, from each item's events (`events[n]` for `site.items[n]`).
pub fn site_calendar(site: &Site, config: &Config, events: &[impl AsRef<str>]) -> String {
    calendar(&config.site.title, site.order.iter().map(|&n| events[n].as_ref()))
}

/// The calendar of one round (`events`: its [`item_events`]).
pub fn round_calendar(item: &Item, config: &Config, events: &str) -> String {
    calendar(&format!("{} · {}", config.site.title, item.title), std::iter::once(events))
}

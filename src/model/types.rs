//! The types of the site model: what rendering sees.
//!
//! Items and sections refer to each other by index into [`Site::items`] and [`Site::sections`],
//! so the model is one immutable value with no reference cycles, cheap to share across threads.

use std::path::PathBuf;
use std::sync::Arc;

use jiff::{Timestamp, ZonedDateTime};
use serde::Serialize;

use crate::content::Asset;
use crate::content::fields::{Kind, PositionFm};
use crate::when::When;

/// The whole site, built once per build and never changed while rendering.
#[derive(Debug, Clone)]
pub struct Site {
    /// Names the site's shape within a watch session: two sites with the same nonzero shape
    /// have the same items (by index, with the same paths, sections, dates and templates), the
    /// same sections, order, lists, tags and years; only items' other facts may differ (see
    /// `model/patch.rs`). Zero when built without a memo.
    pub shape: u64,
    pub now: ZonedDateTime,
    pub sections: Vec<Section>,
    pub items: Vec<Item>,
    /// Every item's index in the order of lists (newest first, see [`super::compare`]).
    pub order: Vec<usize>,
    pub tags: Vec<Tag>,
    pub years: Vec<Year>,
    /// The figures of all items (a patch keeps them: it never changes sponsors).
    pub totals: Figures,
    pub assets: Vec<Asset>,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub dir: String,
    pub source: Option<PathBuf>,
    pub title: String,
    pub kind: Kind,
    /// Site path, e.g. `/activities/`.
    pub path: String,
    pub html: String,
    pub summary: Option<String>,
    pub paginate: Option<usize>,
    pub template: Option<String>,
    pub weight: i64,
    pub extra: toml::Table,
    /// Items of this section, sorted (date desc, weight, title).
    pub items: Vec<usize>,
    pub subsections: Vec<usize>,
    pub parent: Option<usize>,
}

/// An item of the site: its own facts (shared, so a watch rebuild that reuses the item copies
/// nothing; read them through `Deref`, e.g. `item.title`) and the facts derived across items.
#[derive(Debug, Clone)]
pub struct Item {
    pub own: Arc<ItemOwn>,
    /// An activity's sponsors, in the order its file names them.
    pub sponsors: Vec<Sponsorship>,
    /// A partner's contributions: the activities it supported, newest first.
    pub sponsored: Vec<Sponsorship>,
    /// A partner's cash in total, and how many of its contributions were goods.
    pub total_cash: u64,
    pub goods_count: usize,
}

impl Item {
    /// An item with nothing derived yet.
    pub fn new(own: Arc<ItemOwn>) -> Item {
        Item { own, sponsors: Vec::new(), sponsored: Vec::new(), total_cash: 0, goods_count: 0 }
    }
}

impl std::ops::Deref for Item {
    type Target = ItemOwn;
    fn deref(&self) -> &ItemOwn {
        &self.own
    }
}

/// What an item is by itself: everything its file and the site's URLs and configuration make
/// of it, nothing that needs other items (a round's status also needs "now").
#[derive(Debug, Clone)]
pub struct ItemOwn {
    /// The id other files use to name it (file stem or bundle directory).
    pub id: String,
    pub source: PathBuf,
    pub content_path: String,
    pub section: usize,
    pub kind: Kind,
    /// Site path, e.g. `/activities/2018-gala/`.
    pub path: String,
    pub title: String,
    pub date: Option<When>,
    pub updated: Option<When>,
    pub draft: bool,
    /// Plain-text summary: the `summary` field, else the opening of the body.
    pub summary: String,
    pub tags: Vec<String>,
    pub weight: i64,
    pub template: Option<String>,
    pub extra: toml::Table,
    /// Shared (as is the text), so reusing an item in watch mode does not copy its page.
    pub html: Arc<str>,
    /// The opening of the body's visible text, its first `SEARCH_TEXT_CHARS` characters: what
    /// the search index reads (words and reading time are counted on the whole text).
    pub text: Arc<str>,
    pub words: usize,
    pub reading_minutes: usize,
    pub academic: Option<Academic>,
    pub data: ItemData,
    /// Identifies the item's own facts (everything but those derived across items: sponsors,
    /// contributions, a round's status) within a watch session: a rebuild that reuses the item
    /// keeps its stamp, one that builds it again gives a new one. 0 in one-off builds.
    pub stamp: u64,
}

#[derive(Debug, Clone)]
pub enum ItemData {
    Activity(Activity),
    Partner(Partner),
    Round(Round),
    Page,
}

#[derive(Debug, Clone)]
pub struct Activity {
    pub end: Option<When>,
    pub location: Option<String>,
    /// URL of the cover image.
    pub cover: Option<String>,
    pub gallery: Vec<String>,
}

/// One partner's support of one activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sponsorship {
    pub partner: usize,
    pub activity: usize,
    pub amount: Option<u64>,
    pub goods: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Partner {
    pub name: String,
    /// Index into `site.toml`'s `[[tiers]]`.
    pub tier: usize,
    pub logo: Option<String>,
    pub website: Option<String>,
    pub since: Option<i32>,
    pub category: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Upcoming,
    Open,
    Closed,
}

#[derive(Debug, Clone)]
pub struct Round {
    pub opens: When,
    pub closes: When,
    pub opens_at: Timestamp,
    pub closes_at: Timestamp,
    pub status: Status,
    pub audience: Option<String>,
    pub apply: Option<String>,
    pub positions: Vec<PositionFm>,
    pub stages: Vec<Stage>,
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub name: String,
    pub date: When,
    pub at: Timestamp,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Semester {
    First,
    Second,
}

/// The academic year (学年) and semester of a dated item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Academic {
    /// The calendar year the academic year starts in: 2018 for 2018–2019.
    pub start_year: i16,
    pub semester: Semester,
}

#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    pub items: Vec<usize>,
}

/// One academic year: its items and its figures.
#[derive(Debug, Clone)]
pub struct Year {
    pub start_year: i16,
    pub items: Vec<usize>,
    pub figures: Figures,
}

/// The numbers a head shows sponsors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub activities: usize,
    pub cash: u64,
    /// Number of in-kind sponsorships (goods).
    pub goods: usize,
    /// Partners that sponsored at least one activity.
    pub partners: usize,
}

impl Tag {
    /// Site path of the tag's page: `/tags/<slug>/`.
    pub fn path_of(slug: &str) -> String {
        format!("/tags/{slug}/")
    }
}

impl Year {
    /// `2018-2019`: the academic year's label and URL segment.
    pub fn slug_of(start_year: i16) -> String {
        format!("{}-{}", start_year, start_year + 1)
    }
    /// Site path of the year's page: `/years/2018-2019/`.
    pub fn path_of(start_year: i16) -> String {
        format!("/years/{}/", Year::slug_of(start_year))
    }
}

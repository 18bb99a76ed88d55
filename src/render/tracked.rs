//! What templates read, noted while a page renders (watch mode's dependency tracking).
//!
//! Items, sections and the entries of `site` reach templates as the objects here. Each notes the
//! reads of it in a record kept per thread for the page being rendered ([`recording`]); one page
//! renders on one thread from start to end, and outside [`recording`] nothing is noted, so a
//! one-off build pays only a thread-local check per read. `render/memo.rs` turns the reads into
//! versions and decides which pages to render again.
//!
//! Architecture Invariant: the record is the program's only thread-local state and lives for one
//! page's render.

use std::cell::RefCell;
use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr, ValueKind};

/// Something a page read: an item, a section, or an entry of `site` (by its position).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Read {
    /// An item's own facts (title, dates, text, ...).
    Item(u32),
    /// What an item shows of other items (see [`AROUND`]): read apart from its own facts, so a
    /// list that shows a partner's name does not depend on the titles of the activities it
    /// supported.
    ItemAround(u32),
    /// A section's own fields (title, content, ...).
    Section(u32),
    /// A section's list of items: read apart from its fields, so a page that shows only a
    /// section's title (every page's navigation does) does not depend on the order of its items.
    SectionItems(u32),
    Site(u8),
    /// Only whether an entry of `site` that is a list is empty, or its length
    /// (`{% if site.tags %}` in every page's footer).
    SiteLen(u8),
}

thread_local! {
    /// What the page being rendered on this thread has read so far (None: not recording).
    static READS: RefCell<Option<Vec<Read>>> = const { RefCell::new(None) };
}

fn note(read: Read) {
    READS.with(|reads| {
        if let Some(v) = reads.borrow_mut().as_mut() {
            v.push(read);
        }
    });
}

/// Notes reads made elsewhere (a fragment's, when its text is reused) as this page's.
pub fn note_all(reads: &[Read]) {
    READS.with(|r| {
        if let Some(v) = r.borrow_mut().as_mut() {
            v.extend_from_slice(reads);
        }
    });
}

/// Where the record of this page's reads is now (see [`since`]).
pub fn mark() -> usize {
    READS.with(|r| r.borrow().as_ref().map_or(0, Vec::len))
}

/// The reads noted since [`mark`] returned `mark` (empty when not recording).
pub fn since(mark: usize) -> Vec<Read> {
    READS.with(|r| r.borrow().as_ref().and_then(|v| v.get(mark..)).map(<[Read]>::to_vec).unwrap_or_default())
}

/// Runs `render` (one page) and returns its result with everything it read.
pub fn recording<T>(render: impl FnOnce() -> T) -> (T, Vec<Read>) {
    READS.with(|r| *r.borrow_mut() = Some(Vec::new()));
    let out = render();
    let mut reads = READS.with(|r| r.borrow_mut().take()).unwrap_or_default();
    reads.sort_unstable();
    reads.dedup();
    (out, reads)
}

/// A map value (an item's or a section's) that notes every read of it.
#[derive(Debug)]
pub struct Tracked {
    pub read: Read,
    pub inner: Value,
}

/// `inner` seen through a [`Tracked`] object.
pub fn tracked(read: Read, inner: Value) -> Value {
    Value::from_object(Tracked { read, inner })
}

fn defined(v: Result<Value, minijinja::Error>) -> Option<Value> {
    v.ok().filter(|v| !v.is_undefined())
}

impl Object for Tracked {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.note_key(key.as_str());
        defined(self.inner.get_item(key))
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.note_key(Some(key));
        defined(self.inner.get_attr(key))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        self.note_key(None);
        Enumerator::Values(self.inner.try_iter().map(Iterator::collect).unwrap_or_default())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        self.note_key(None);
        self.inner.len()
    }
}

/// The fields of an item's view that show other items: its sponsors (and their sum), a
/// partner's contributions and totals, the neighbours in its section, and the JSON-LD (which
/// names sponsors). `render/memo.rs` versions them apart (`item_versions`); keep the two in step.
pub const AROUND: [&str; 8] =
    ["sponsors", "cash", "activities", "total_cash", "goods_count", "newer", "older", "json_ld"];

impl Tracked {
    /// Notes a read of `key` (None: of everything).
    fn note_key(&self, key: Option<&str>) {
        match (self.read, key) {
            (Read::Item(n), Some(k)) if AROUND.contains(&k) => note(Read::ItemAround(n)),
            (Read::Item(n), None) => {
                note(self.read);
                note(Read::ItemAround(n));
            }
            (Read::Section(n), Some("items")) => note(Read::SectionItems(n)),
            (Read::Section(n), None) => {
                note(self.read);
                note(Read::SectionItems(n));
            }
            (read, _) => note(read),
        }
    }
}

/// A list shared by many pages whose contents follow from a key (a section's page links follow
/// from its path and page count): hashed by the key, so hashing each page's context is not
/// quadratic in the number of pages.
#[derive(Debug)]
pub struct Keyed {
    pub key: u64,
    pub inner: Value,
}

impl Object for Keyed {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        defined(self.inner.get_item(key))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.inner.try_iter().map(Iterator::collect).unwrap_or_default())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        self.inner.len()
    }
}

/// The global `site` value: each top-level entry read is noted on its own, so a page that shows
/// only the site's title does not depend on the list of activities.
#[derive(Debug)]
pub struct SiteEntries(pub Vec<(&'static str, Value)>);

impl Object for SiteEntries {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let n = self.0.iter().position(|(k, _)| *k == key)?;
        let value = &self.0[n].1;
        if value.kind() == ValueKind::Seq {
            return Some(Value::from_object(SiteList { n: n as u8, inner: value.clone() }));
        }
        note(Read::Site(n as u8));
        Some(value.clone())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        for n in 0..self.0.len() {
            note(Read::Site(n as u8));
        }
        Enumerator::Values(self.0.iter().map(|(k, _)| Value::from(*k)).collect())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.0.len())
    }
}

/// A list entry of `site`: reading its items notes the entry, asking only whether it is empty
/// or how long it is notes only its length.
#[derive(Debug)]
pub struct SiteList {
    pub n: u8,
    inner: Value,
}

impl Object for SiteList {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        note(Read::Site(self.n));
        defined(self.inner.get_item(key))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        note(Read::Site(self.n));
        Enumerator::Values(self.inner.try_iter().map(Iterator::collect).unwrap_or_default())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        note(Read::SiteLen(self.n));
        self.inner.len()
    }

    fn is_true(self: &Arc<Self>) -> bool {
        note(Read::SiteLen(self.n));
        self.inner.is_true()
    }
}

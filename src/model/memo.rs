//! What a watch session keeps of the model between builds: the items it built (with the files
//! and surroundings they were built from) and the map of page URLs.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::{ItemOwn, Section};
use crate::content::ItemSrc;
use crate::diagnostic::Diagnostics;
use crate::fxhash::FxHashMap as HashMap;

/// An item's file as loaded, its site path and what it became.
pub(super) type Remembered = (Arc<ItemSrc>, String, Result<Arc<ItemOwn>, Diagnostics>);

/// Items built by earlier builds of a watch session (see [`super::build_memo`]).
#[derive(Debug, Default)]
pub struct Memo {
    /// A hash of everything an item's stage reads besides its own file.
    pub(super) around: u64,
    /// Per content path: the file as loaded, the item's site path and what it became.
    pub(super) items: HashMap<String, Remembered>,
    /// Items taken from the memo by the last build, for tests.
    pub last_reused: usize,
    /// Whether the last build patched the site before it (see `model/patch.rs`), for tests.
    pub last_patched: bool,
    /// The URLs of the last build's pages, with the hash of what they followed from.
    pub(super) pages: Option<(u64, Arc<HashMap<String, String>>)>,
    /// The last stamp given to a built item, and the last shape given to a site built whole.
    pub(super) stamps: u64,
    pub(super) shapes: u64,
    /// The last site built in full or patched, for [`super::patch`].
    pub(super) last: Option<super::patch::Last>,
    pub(super) off: bool,
}

impl Memo {
    /// A memo that stays empty, for builds that happen once.
    pub fn off() -> Memo {
        Memo { off: true, ..Memo::default() }
    }
}

/// A hash of everything the URLs of pages follow from: each published file's content path,
/// section, slug and id, and each section's folder and path.
pub(super) fn pages_key(published: &[&Arc<ItemSrc>], sections: &[Section]) -> u64 {
    let mut h = crate::fxhash::FxHasher::default();
    for i in published {
        (&i.content_path, &i.section, &i.common.slug, &i.id).hash(&mut h);
    }
    for s in sections {
        (&s.dir, &s.path).hash(&mut h);
    }
    h.finish()
}

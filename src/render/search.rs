//! The static search index: `search/meta.json`, token shards `search/t-<n>.json` and document
//! chunks `search/d-<n>.json`, read by the theme's `search.js` in the visitor's browser.
//!
//! Tokens come from [`crate::text::index_tokens`] (through [`crate::text::each_token`]); the browser splits queries with a JavaScript
//! twin of the same function (kept equal by a test that runs both). A token's shard is
//! `fnv1a(token) % shards`, with enough shards that each stays near 500 KB, so a query on a
//! 10,000-page site loads only the shards of its own tokens and the chunks of its hits.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;

use rayon::prelude::*;

use serde_json::json;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::{ItemData, Site};
use crate::output::OutputFile;
use crate::text::{each_token, fnv1a};

/// Documents per chunk file.
pub const CHUNK: usize = 200;
/// Target size of a token shard, in bytes.
const SHARD_BYTES: usize = 500 * 1024;
/// Characters of each page's text indexed and kept for excerpts (after its title, summary, tags
/// and names, which are always indexed). 1,500 covers the opening of a typical activity report;
/// indexing whole texts doubled the time and the size of the index on a 10,000-page site.
const TEXT_CHARS: usize = 1500;

fn kind(data: &ItemData) -> &'static str {
    match data {
        ItemData::Activity(_) => "activity",
        ItemData::Partner(_) => "partner",
        ItemData::Round(_) => "round",
        ItemData::Page => "page",
    }
}

/// The index files of `site`, each handed to `emit` as soon as it is serialized (the index of a
/// large site is tens of megabytes).
pub fn index(
    site: &Site,
    config: &Config,
    emit: &mut dyn FnMut(OutputFile) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    let items = order(site);
    // Documents are indexed in parallel blocks, each into its own small token map, and the
    // blocks merged in order: holding one token list per document costs far more memory.
    let blocks: Vec<(Vec<Doc<'_>>, Postings)> = items
        .par_chunks(256)
        .enumerate()
        .map(|(block, chunk)| {
            let mut docs = Vec::with_capacity(chunk.len());
            let mut postings = Postings::default();
            for (k, &n) in chunk.iter().enumerate() {
                let doc_id = (block * 256 + k) as u32;
                let doc = document(site, config, n, &mut |piece| {
                    each_token(piece, true, |t| postings.add(t, doc_id));
                });
                docs.push(doc);
            }
            (docs, postings)
        })
        .collect();
    let mut postings = Postings::default();
    let mut docs = Vec::with_capacity(items.len());
    for (block_docs, block_postings) in blocks {
        docs.extend(block_docs);
        postings.merge(block_postings);
    }
    let postings = postings.into_tokens();
    let estimate: usize = postings.iter().map(|(t, d)| t.len() + 6 + d.len() * 5).sum();
    let shards = shard_count(estimate);
    let mut split: Vec<BTreeMap<&str, &Vec<u32>>> = vec![BTreeMap::new(); shards];
    for (t, d) in &postings {
        split[(fnv1a(t) as usize) % shards].insert(t.as_str(), d);
    }
    for (i, shard) in split.iter().enumerate() {
        emit(OutputFile { path: format!("search/t-{i}.json"), bytes: to_bytes(shard).into() })?;
    }
    drop(split);
    drop(postings);
    let chunks = docs.chunks(CHUNK).count().max(1);
    for (i, chunk) in docs.chunks(CHUNK).enumerate() {
        emit(OutputFile { path: format!("search/d-{i}.json"), bytes: to_bytes(chunk).into() })?;
    }
    if docs.is_empty() {
        emit(OutputFile { path: "search/d-0.json".into(), bytes: b"[]".to_vec().into() })?;
    }
    let meta = json!({ "version": 1, "shards": shards, "chunk": CHUNK, "chunks": chunks, "docs": docs.len() });
    emit(OutputFile { path: "search/meta.json".into(), bytes: to_bytes(&meta).into() })
}

/// How many token shards an index of about `estimate` bytes is split into.
pub fn shard_count(estimate: usize) -> usize {
    estimate.div_ceil(SHARD_BYTES).max(1).next_power_of_two()
}

/// The documents' order: the order of lists (newest first).
pub fn order(site: &Site) -> Vec<usize> {
    site.order.clone()
}

/// One item's search document; the text to index for it is handed to `index` piece by piece
/// (title, summary, tags, names, then the text): the pieces were joined by line breaks, which
/// no token crosses, so indexing them one by one gives the same tokens in the same order.
pub fn document<'a>(site: &'a Site, config: &Config, n: usize, index: &mut dyn FnMut(&str)) -> Doc<'a> {
    let item = &site.items[n];
    let end = item.text.char_indices().nth(TEXT_CHARS).map_or(item.text.len(), |(i, _)| i);
    let text = &item.text[..end];
    index(&item.title);
    index(&item.summary);
    for tag in &item.tags {
        index(tag);
    }
    match &item.data {
        ItemData::Activity(a) => {
            if let Some(t) = a.location.as_deref() {
                index(t);
            }
            for s in &item.sponsors {
                if let ItemData::Partner(p) = &site.items[s.partner].data {
                    index(&p.name);
                }
            }
        }
        ItemData::Partner(p) => {
            index(&p.name);
            if let Some(t) = p.category.as_deref() {
                index(t);
            }
            if let Some(t) = p.description.as_deref() {
                index(t);
            }
        }
        ItemData::Round(r) => {
            if let Some(t) = r.audience.as_deref() {
                index(t);
            }
            for p in &r.positions {
                index(&p.name);
            }
        }
        ItemData::Page => {}
    }
    index(text);
    (
        config.url(&item.path),
        item.title.as_str(),
        kind(&item.data),
        item.date.map(|d| d.date().to_string()).unwrap_or_default(),
        item.summary.as_str(),
        text,
    )
}

/// Token -> the documents (ids in increasing order) that contain it. Tokens of up to 15 bytes
/// (nearly all: a CJK pair is 6) are keys packed with their length into one `u128`, so adding
/// an occurrence hashes and compares one number and allocates nothing; longer tokens are
/// strings. Keyed with a fast non-cryptographic hash: the keys are our own tokens and the maps
/// are never iterated in an order that reaches the output (shards are sorted).
#[derive(Default)]
struct Postings {
    short: HashMap<u128, List, BuildHasherDefault<FxHasher>>,
    long: HashMap<String, List, BuildHasherDefault<FxHasher>>,
}

/// A token's documents, with the last one beside the list so that another occurrence in the
/// same document is seen without reading the list (a cache miss per token, measured).
#[derive(Default)]
struct List {
    last: Option<u32>,
    docs: Vec<u32>,
}

impl List {
    fn add(&mut self, doc: u32) {
        if self.last != Some(doc) {
            self.last = Some(doc);
            self.docs.push(doc);
        }
    }

    fn extend(&mut self, other: List) {
        self.last = other.last.or(self.last);
        self.docs.extend(other.docs);
    }
}

impl Postings {
    /// Records that document `doc` (not smaller than any document added before) contains `t`.
    fn add(&mut self, t: &str, doc: u32) {
        match pack(t) {
            Some(k) => self.short.entry(k).or_default().add(doc),
            None => match self.long.get_mut(t) {
                Some(list) => list.add(doc),
                None => self.long.entry(t.to_string()).or_default().add(doc),
            },
        }
    }

    /// Appends the lists of `other`, whose documents all come after this one's.
    fn merge(&mut self, other: Postings) {
        for (k, list) in other.short {
            self.short.entry(k).or_default().extend(list);
        }
        for (t, list) in other.long {
            self.long.entry(t).or_default().extend(list);
        }
    }

    /// Every token as text with its documents, in no particular order.
    fn into_tokens(self) -> Vec<(String, Vec<u32>)> {
        let short = self.short.into_iter().map(|(k, list)| (unpack(k), list.docs));
        short.chain(self.long.into_iter().map(|(t, list)| (t, list.docs))).collect()
    }
}

/// `t`'s bytes (little-endian) and, in the top byte, its length, when it has at most 15 bytes.
/// Read with two overlapping loads, not copied byte by byte into a buffer (whose load stalled).
fn pack(t: &str) -> Option<u128> {
    let b = t.as_bytes();
    let n = b.len();
    let le32 = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let le64 =
        |i: usize| u64::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7]]);
    let bytes: u128 = match n {
        0..=3 => b.iter().enumerate().fold(0, |k, (i, &x)| k | u128::from(x) << (8 * i)),
        4..=7 => u128::from(u64::from(le32(0)) | u64::from(le32(n - 4)) << (8 * (n - 4))),
        8..=15 => u128::from(le64(0)) | u128::from(le64(n - 8)) << (8 * (n - 8)),
        _ => return None,
    };
    Some(bytes | (n as u128) << 120)
}

/// The token [`pack`] packed.
fn unpack(k: u128) -> String {
    let buf = k.to_le_bytes();
    String::from_utf8_lossy(&buf[..usize::from(buf[15]).min(15)]).into_owned()
}

pub use crate::fxhash::FxHasher;

/// One document as the browser reads it: `[url, title, kind, date, summary, text]`.
/// The text is a slice of the item's: copying it held ~45 MB more at 10,000 pages.
pub type Doc<'a> = (String, &'a str, &'static str, String, &'a str, &'a str);

pub fn to_bytes<T: serde::Serialize + ?Sized>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_tokens_unpack_to_themselves() {
        let tokens = ["a", "ab", "abc", "赞", "赞助", "abcdefg", "abcdefgh", "赞助商们", "abcdefghijklmno"];
        let keys: Vec<u128> = tokens.iter().map(|t| pack(t).unwrap_or_default()).collect();
        for (t, &k) in tokens.iter().zip(&keys) {
            assert_eq!(unpack(k), *t);
        }
        let distinct: std::collections::BTreeSet<u128> = keys.iter().copied().collect();
        assert_eq!(distinct.len(), tokens.len());
        assert_eq!(pack("abcdefghijklmnop"), None);
    }
}

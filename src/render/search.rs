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
use crate::text::{each_token, fnv1a, fnv1a_bytes};

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

/// Token partitions merged and serialized in parallel: a token's partition is
/// `fnv1a(token) % PARTS`, so with `shards` a power of two each shard is a union of partitions
/// (or, past `PARTS` shards, a part of one).
const PARTS: usize = 64;

/// The index files of `site`, each handed to `emit` as soon as it is serialized (the index of a
/// large site is tens of megabytes).
///
/// Every step runs in parallel: documents are indexed in blocks, each into its own small token
/// maps split by partition; the partitions are merged (blocks in order, so document lists stay
/// sorted) and the shards and chunks serialized side by side. Merging and serializing on one
/// thread left the other core idle for a quarter of a second at 10,000 pages.
pub fn index(
    site: &Site,
    config: &Config,
    emit: &mut dyn FnMut(OutputFile) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    let items = &site.order;
    // Holding one token list per document costs far more memory than a map per block.
    let blocks: Vec<(Vec<Doc<'_>>, Vec<Part>)> = items
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
            (docs, postings.into_parts())
        })
        .collect();
    let mut docs = Vec::with_capacity(items.len());
    let mut block_parts = Vec::with_capacity(blocks.len());
    for (block_docs, parts) in blocks {
        docs.extend(block_docs);
        block_parts.push(parts);
    }
    let mut by_part: Vec<Vec<Part>> = (0..PARTS).map(|_| Vec::with_capacity(block_parts.len())).collect();
    for parts in block_parts {
        for (p, part) in parts.into_iter().enumerate() {
            by_part[p].push(part);
        }
    }
    let merged: Vec<Vec<(String, Vec<u32>)>> = by_part.into_par_iter().map(merge_part).collect();
    let estimate: usize = merged.iter().flatten().map(|(t, d)| t.len() + 6 + d.len() * 5).sum();
    let shards = shard_count(estimate);
    let shard_bytes = |s: usize| {
        let mut shard: BTreeMap<&str, &Vec<u32>> = BTreeMap::new();
        for (t, d) in shard_parts(s, shards).flat_map(|p| &merged[p]) {
            if shards <= PARTS || (fnv1a(t) as usize) % shards == s {
                shard.insert(t.as_str(), d);
            }
        }
        to_bytes(&shard)
    };
    emit_all(shards, &shard_bytes, &mut |i, bytes| emit(OutputFile { path: format!("search/t-{i}.json"), bytes }))?;
    drop(merged);
    let chunks: Vec<&[Doc<'_>]> = docs.chunks(CHUNK).collect();
    emit_all(chunks.len(), &|i| to_bytes(chunks[i]), &mut |i, bytes| {
        emit(OutputFile { path: format!("search/d-{i}.json"), bytes })
    })?;
    if docs.is_empty() {
        emit(OutputFile { path: "search/d-0.json".into(), bytes: b"[]".to_vec().into() })?;
    }
    let chunks = chunks.len().max(1);
    let meta = json!({ "version": 1, "shards": shards, "chunk": CHUNK, "chunks": chunks, "docs": docs.len() });
    emit(OutputFile { path: "search/meta.json".into(), bytes: to_bytes(&meta).into() })
}

/// The partitions holding the tokens of shard `s` of `shards` (a power of two): those whose
/// number is `s` modulo `shards`, or past `PARTS` shards the one partition `s % PARTS` (whose
/// tokens then belong to several shards).
fn shard_parts(s: usize, shards: usize) -> impl Iterator<Item = usize> {
    (s % PARTS..PARTS).step_by(shards.max(1))
}

/// Makes files `0..n` with `make`, two per thread at a time in parallel, and hands them to
/// `emit` in order: never all of the index's bytes at once (16 at a time cost 6 MB more peak
/// RSS at 10,000 pages).
fn emit_all(
    n: usize,
    make: &(dyn Fn(usize) -> Vec<u8> + Sync),
    emit: &mut dyn FnMut(usize, std::sync::Arc<[u8]>) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    let group = 2 * rayon::current_num_threads();
    for start in (0..n).step_by(group) {
        let made: Vec<Vec<u8>> = (start..n.min(start + group)).into_par_iter().map(make).collect();
        for (i, bytes) in (start..).zip(made) {
            emit(i, bytes.into())?;
        }
    }
    Ok(())
}

/// One partition of the blocks' postings, merged in block order: every token as text with its
/// documents.
fn merge_part(blocks: Vec<Part>) -> Vec<(String, Vec<u32>)> {
    let mut merged = Postings::default();
    for part in blocks {
        for (k, list) in part.short {
            merged.short.entry(k).or_default().extend(list);
        }
        for (t, list) in part.long {
            merged.long.entry(t).or_default().extend(list);
        }
    }
    merged.into_tokens()
}

/// How many token shards an index of about `estimate` bytes is split into.
pub fn shard_count(estimate: usize) -> usize {
    estimate.div_ceil(SHARD_BYTES).max(1).next_power_of_two()
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

/// One partition of a block's postings.
#[derive(Default)]
struct Part {
    short: Vec<(u128, List)>,
    long: Vec<(String, List)>,
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

    /// The tokens split by partition (`fnv1a(token) % PARTS`), for a parallel merge.
    fn into_parts(self) -> Vec<Part> {
        let mut parts: Vec<Part> = (0..PARTS).map(|_| Part::default()).collect();
        for (k, list) in self.short {
            let buf = k.to_le_bytes();
            let token = &buf[..usize::from(buf[15]).min(15)];
            parts[fnv1a_bytes(token) as usize % PARTS].short.push((k, list));
        }
        for (t, list) in self.long {
            parts[fnv1a(&t) as usize % PARTS].long.push((t, list));
        }
        parts
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
    fn every_token_is_in_its_shard_and_only_there() {
        let tokens: Vec<String> = (0..2000).map(|n| format!("t{n}")).collect();
        for shards in [1, 2, 8, 64, 128, 512] {
            for t in &tokens {
                let h = fnv1a(t) as usize;
                let part = h % PARTS;
                let holders: Vec<usize> = (0..shards)
                    .filter(|&s| shard_parts(s, shards).any(|p| p == part) && (shards <= PARTS || h % shards == s))
                    .collect();
                assert_eq!(holders, [h % shards], "{t} with {shards} shards");
            }
        }
    }

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

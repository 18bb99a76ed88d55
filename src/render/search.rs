//! The static search index: `search/meta.json`, token shards `search/t-<n>.json` and document
//! chunks `search/d-<n>.json`, read by the theme's `search.js` in the visitor's browser.
//!
//! Tokens come from [`crate::text::index_tokens`] (through [`crate::text::each_token`]); the browser splits queries with a JavaScript
//! twin of the same function (kept equal by a test that runs both). A token's shard is
//! `fnv1a(token) % shards`, with enough shards that each stays near 500 KB, so a query on a
//! 10,000-page site loads only the shards of its own tokens and the chunks of its hits.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use rayon::prelude::*;

use super::search_json as json;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::{ItemData, Site};
use crate::output::OutputFile;
use crate::text::{each_token, fnv1a, fnv1a_bytes};

/// Documents per chunk file.
pub const CHUNK: usize = 200;
/// Target size of a token shard, in bytes.
const SHARD_BYTES: usize = 500 * 1024;

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
    emit: &(dyn Fn(OutputFile) -> Result<(), Diagnostic> + Sync),
) -> Result<(), Diagnostic> {
    let items = &site.order;
    // Holding one token list per document costs far more memory than a map per block.
    let blocks: Vec<(Vec<Doc<'_>>, Vec<Part>)> = items
        .par_chunks(BLOCK)
        .enumerate()
        .map(|(block, chunk)| {
            let mut docs = Vec::with_capacity(chunk.len());
            let mut postings = Postings::default();
            for (k, &n) in chunk.iter().enumerate() {
                let doc_id = (block * BLOCK + k) as u32;
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
    let numbers = json::DocNumbers::new(docs.len());
    let shard_bytes = |s: usize| {
        let mut shard: Vec<(&str, &[u32])> = Vec::new();
        let mut size = 2;
        for (t, d) in shard_parts(s, shards).flat_map(|p| &merged[p]) {
            if shards <= PARTS || (fnv1a(t) as usize) % shards == s {
                shard.push((t.as_str(), d));
                size += t.len() + 6 + d.len() * 6;
            }
        }
        // Tokens are distinct, so an unstable sort gives the one order a `BTreeMap` would.
        shard.sort_unstable_by(|a, b| a.0.cmp(b.0));
        json::shard(shard, size, &numbers)
    };
    emit_all(shards, &shard_bytes, &|i, bytes| emit(OutputFile { path: format!("search/t-{i}.json").into(), bytes }))?;
    drop(merged);
    let chunks: Vec<&[Doc<'_>]> = docs.chunks(CHUNK).collect();
    emit_all(chunks.len(), &|i| json::chunk(chunks[i]), &|i, bytes| {
        emit(OutputFile { path: format!("search/d-{i}.json").into(), bytes })
    })?;
    if docs.is_empty() {
        emit(OutputFile { path: "search/d-0.json".into(), bytes: b"[]".to_vec().into() })?;
    }
    let chunks = chunks.len().max(1);
    emit(OutputFile { path: "search/meta.json".into(), bytes: json::meta(shards, CHUNK, chunks, docs.len()).into() })
}

/// The partitions holding the tokens of shard `s` of `shards` (a power of two): those whose
/// number is `s` modulo `shards`, or past `PARTS` shards the one partition `s % PARTS` (whose
/// tokens then belong to several shards).
fn shard_parts(s: usize, shards: usize) -> impl Iterator<Item = usize> {
    (s % PARTS..PARTS).step_by(shards.max(1))
}

/// Makes files `0..n` with `make` in parallel, each handed to `emit` by the thread that made it:
/// never all of the index's bytes at once (one file per thread), and no core idle while
/// another writes (handed out in order from one thread, the 52 MB of a 10,000-page index left
/// the other core idle for 20 ms on ext4).
fn emit_all(
    n: usize,
    make: &(dyn Fn(usize) -> Vec<u8> + Sync),
    emit: &(dyn Fn(usize, bytes::Bytes) -> Result<(), Diagnostic> + Sync),
) -> Result<(), Diagnostic> {
    (0..n).into_par_iter().try_for_each(|i| emit(i, make(i).into()))
}

/// One partition of the blocks' postings, merged in block order: every token as text with its
/// documents (in increasing order), in no particular order.
fn merge_part(blocks: Vec<Part>) -> Vec<(String, Vec<u32>)> {
    let mut short: HashMap<u128, Vec<u32>, BuildHasherDefault<FxHasher>> = HashMap::default();
    let mut long: HashMap<String, Vec<u32>, BuildHasherDefault<FxHasher>> = HashMap::default();
    for (block, part) in blocks.into_iter().enumerate() {
        let first = (block * BLOCK) as u32;
        for (k, docs) in part.short {
            docs.push_to(first, short.entry(k).or_default());
        }
        for (t, docs) in part.long {
            docs.push_to(first, long.entry(t).or_default());
        }
    }
    short.into_iter().map(|(k, list)| (unpack(k), list)).chain(long).collect()
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
    // The model keeps no more of the text than search reads (`SEARCH_TEXT_CHARS` in `model/build_items.rs`).
    let text = &*item.text;
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

/// Token -> the documents of one block that contain it. Tokens of up to 15 bytes (nearly all:
/// a CJK pair is 6) are keys packed with their length into one `u128`, so adding an occurrence
/// hashes and compares one number and allocates nothing ([`ShortMap`]); longer tokens are
/// strings. Keyed with fast non-cryptographic hashes: the keys are our own tokens and the maps
/// are never iterated in an order that reaches the output (shards are sorted).
#[derive(Default)]
struct Postings {
    short: ShortMap,
    long: HashMap<String, Docs, BuildHasherDefault<FxHasher>>,
}

/// Packed token -> its documents: open addressing with linear probing in one array, at most
/// half full, a key of 0 marking a free slot (a packed key holds its nonzero length). Adding an
/// occurrence of a known token is a few instructions inlined where tokens are made; a
/// `HashMap` entry, in a function of its own, cost about twice as many.
struct ShortMap {
    slots: Vec<(u128, Docs)>,
    len: usize,
}

impl Default for ShortMap {
    fn default() -> Self {
        ShortMap { slots: vec![(0, Docs::default()); 1 << 12], len: 0 }
    }
}

impl ShortMap {
    /// The slot of key `k` (not 0) in `slots` (a power of two long, never full): the high bits
    /// of a multiplicative hash, then the next slot holding `k` or free.
    #[inline]
    fn find(slots: &[(u128, Docs)], k: u128) -> usize {
        let mask = slots.len().wrapping_sub(1);
        let h = ((k as u64) ^ ((k >> 64) as u64).rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let mut i = (h >> 32) as usize & mask;
        while slots.get(i).is_some_and(|s| s.0 != k && s.0 != 0) {
            i = (i + 1) & mask;
        }
        i
    }

    /// Records that document `doc` contains the token packed as `k` (not 0).
    #[inline]
    fn add(&mut self, k: u128, doc: u32) {
        let i = Self::find(&self.slots, k);
        match self.slots.get_mut(i) {
            Some(slot) if slot.0 == k => slot.1.add(doc),
            _ => self.insert(k).add(doc),
        }
    }

    /// A new key's documents, empty; the slots doubled first when they would be over half full.
    #[cold]
    #[inline(never)]
    fn insert(&mut self, k: u128) -> &mut Docs {
        if 2 * (self.len + 1) > self.slots.len() {
            let grown = vec![(0, Docs::default()); 2 * self.slots.len()];
            let old = std::mem::replace(&mut self.slots, grown);
            for slot in old.into_iter().filter(|s| s.0 != 0) {
                let j = Self::find(&self.slots, slot.0);
                if let Some(free) = self.slots.get_mut(j) {
                    *free = slot;
                }
            }
        }
        self.len += 1;
        let i = Self::find(&self.slots, k);
        let slot = &mut self.slots[i];
        slot.0 = k;
        &mut slot.1
    }
}

/// Documents per block of [`index`]: a token's documents in a block are a bitmap of them.
const BLOCK: usize = 256;

/// A token's documents within one block of [`BLOCK`] documents, one bit each: adding an
/// occurrence sets a bit (no list to grow: growing a list per token and block was 1% of a
/// 10,000-page build's instructions), and reading the bits in order gives the documents sorted.
#[derive(Default, Clone, Copy)]
struct Docs([u64; BLOCK / 64]);

impl Docs {
    fn add(&mut self, doc: u32) {
        let d = doc as usize % BLOCK;
        self.0[d / 64] |= 1 << (d % 64);
    }

    /// Appends the documents, numbered from `first` (the block's first document), to `out`.
    fn push_to(&self, first: u32, out: &mut Vec<u32>) {
        for (w, &word) in (first..).step_by(64).zip(&self.0) {
            let mut bits = word;
            while bits != 0 {
                out.push(w + bits.trailing_zeros());
                bits &= bits - 1;
            }
        }
    }
}

/// One partition of a block's postings.
#[derive(Default)]
struct Part {
    short: Vec<(u128, Docs)>,
    long: Vec<(String, Docs)>,
}

impl Postings {
    /// Records that document `doc` of the block contains `t`.
    #[inline]
    fn add(&mut self, t: &str, doc: u32) {
        match pack(t) {
            Some(k) => self.short.add(k, doc),
            None => self.add_long(t, doc),
        }
    }

    /// [`Postings::add`] of a token too long to pack (or empty).
    #[cold]
    #[inline(never)]
    fn add_long(&mut self, t: &str, doc: u32) {
        match self.long.get_mut(t) {
            Some(docs) => docs.add(doc),
            None => self.long.entry(t.to_string()).or_default().add(doc),
        }
    }

    /// The tokens split by partition (`fnv1a(token) % PARTS`), for a parallel merge.
    fn into_parts(self) -> Vec<Part> {
        let mut parts: Vec<Part> = (0..PARTS).map(|_| Part::default()).collect();
        for (k, docs) in self.short.slots.into_iter().filter(|s| s.0 != 0) {
            let buf = k.to_le_bytes();
            let token = &buf[..usize::from(buf[15]).min(15)];
            parts[fnv1a_bytes(token) as usize % PARTS].short.push((k, docs));
        }
        for (t, docs) in self.long {
            parts[fnv1a(&t) as usize % PARTS].long.push((t, docs));
        }
        parts
    }
}

/// `t`'s bytes (little-endian) and, in the top byte, its length, when it has 1 to 15 bytes.
/// Read with two overlapping loads, not copied byte by byte into a buffer (whose load stalled),
/// and shifted as 64-bit halves (a 128-bit shift by a variable count is a dozen instructions).
#[inline]
fn pack(t: &str) -> Option<u128> {
    let b = t.as_bytes();
    let n = b.len();
    let (lo, hi) = match (n, b.first_chunk::<8>(), b.last_chunk::<8>(), b.first_chunk::<4>(), b.last_chunk::<4>()) {
        // Bytes 8.. are the top `n - 8` bytes of the last eight.
        (8..=15, Some(lo), Some(last), ..) => {
            (u64::from_le_bytes(*lo), (u64::from_le_bytes(*last) >> 8) >> (8 * (15 - n)))
        }
        (4..=7, _, _, Some(lo), Some(last)) => {
            (u64::from(u32::from_le_bytes(*lo)) | u64::from(u32::from_le_bytes(*last)) << (8 * (n - 4)), 0)
        }
        // The first, middle and last bytes: all of a token of 1 to 3 bytes, without a loop.
        (1..=3, ..) => {
            (u64::from(b[0]) | u64::from(b[n / 2]) << (8 * (n / 2)) | u64::from(b[n - 1]) << (8 * (n - 1)), 0)
        }
        _ => return None,
    };
    Some(u128::from(lo) | u128::from(hi | (n as u64) << 56) << 64)
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
        assert_eq!(pack(""), None);
        for n in 1..=15 {
            let t = &"abcdefghijklmnop"[..n];
            assert_eq!(pack(t).map(unpack).as_deref(), Some(t));
        }
    }

    #[test]
    fn short_map_keeps_every_key_through_growth() {
        let mut map = ShortMap::default();
        let keys: Vec<u128> = (0..20_000u32).filter_map(|n| pack(&n.to_string())).collect();
        for (n, &k) in keys.iter().enumerate() {
            map.add(k, n as u32);
        }
        assert_eq!(map.len, keys.len());
        for (n, &k) in keys.iter().enumerate() {
            let slot = &map.slots[ShortMap::find(&map.slots, k)];
            let mut docs = Vec::new();
            slot.1.push_to(0, &mut docs);
            assert_eq!((slot.0, docs), (k, vec![n as u32 % BLOCK as u32]));
        }
    }
}

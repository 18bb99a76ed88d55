//! The static search index: `search/meta.json`, token shards `search/t-<n>.json` and document
//! chunks `search/d-<n>.json`, read by the theme's `search.js` in the visitor's browser.
//!
//! Tokens come from [`crate::text::index_tokens`] (through [`crate::text::each_token`]); the browser splits queries with a JavaScript
//! twin of the same function (kept equal by a test that runs both). A token's shard is
//! `fnv1a(token) % shards`, with enough shards that each stays near 500 KB, so a query on a
//! 10,000-page site loads only the shards of its own tokens and the chunks of its hits.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

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
                let (doc, all) = document(site, config, n);
                each_token(&all, true, |t| match postings.get_mut(t) {
                    Some(list) => {
                        if list.last() != Some(&doc_id) {
                            list.push(doc_id);
                        }
                    }
                    None => {
                        postings.insert(t.to_string(), vec![doc_id]);
                    }
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
        for (t, list) in block_postings {
            postings.entry(t).or_default().extend(list);
        }
    }
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
    let mut items: Vec<usize> = (0..site.items.len()).collect();
    items.sort_by(|&a, &b| crate::model::compare(&site.items[a], &site.items[b]));
    items
}

/// One item's search document and the text to index for it.
pub fn document<'a>(site: &'a Site, config: &Config, n: usize) -> (Doc<'a>, String) {
    let item = &site.items[n];
    let text: String = item.text.chars().take(TEXT_CHARS).collect();
    let mut extra = vec![item.title.clone(), item.summary.clone(), item.tags.join(" ")];
    match &item.data {
        ItemData::Activity(a) => {
            extra.extend(a.location.clone());
            extra.extend(a.sponsors.iter().filter_map(|s| match &site.items[s.partner].data {
                ItemData::Partner(p) => Some(p.name.clone()),
                _ => None,
            }));
        }
        ItemData::Partner(p) => {
            extra.push(p.name.clone());
            extra.extend(p.category.clone());
            extra.extend(p.description.clone());
        }
        ItemData::Round(r) => {
            extra.extend(r.audience.clone());
            extra.extend(r.positions.iter().map(|p| p.name.clone()));
        }
        ItemData::Page => {}
    }
    let all = format!("{}\n{}", extra.join("\n"), text);
    let doc = (
        config.url(&item.path),
        item.title.as_str(),
        kind(&item.data),
        item.date.map(|d| d.date().to_string()).unwrap_or_default(),
        item.summary.as_str(),
        text,
    );
    (doc, all)
}

/// Token -> the documents (ids in increasing order) that contain it. Keyed with a fast
/// non-cryptographic hash: the keys are our own tokens and the map is never iterated in an order
/// that reaches the output (shards are sorted).
type Postings = HashMap<String, Vec<u32>, BuildHasherDefault<FxHasher>>;

/// The multiply-rotate hash of rustc (`FxHasher`): a few instructions per 8 bytes, where the
/// default SipHash took a tenth of the index's time.
#[derive(Default)]
struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// One document as the browser reads it: `[url, title, kind, date, summary, text]`.
pub type Doc<'a> = (String, &'a str, &'static str, String, &'a str, String);

pub fn to_bytes<T: serde::Serialize + ?Sized>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

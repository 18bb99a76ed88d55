//! The search index of a watch session, updated document by document.
//!
//! Building the index reads every page's text (about a quarter of a 10,000-page build). In watch
//! mode the index of the last build is kept (each document's tokens, the postings per shard and
//! the bytes of every index file); when the documents are the same items in the same order, only
//! the documents whose item version changed are tokenized again, their postings patched, only
//! the shards they touch serialized again, and the chunks holding them joined from the kept
//! bytes of their other documents and the changed ones' new JSON. Anything else (an item added,
//! removed or moved in the order, the number of shards changing, a different configuration)
//! builds the index whole, from the same [`super::search::document`] function, into the same
//! bytes as a clean build (tests/watch.rs compares them).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::search::{CHUNK, Doc, document, shard_count};
use super::search_json as json;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::fxhash::{FxHashMap, FxHasher};
use crate::model::Site;
use crate::output::OutputFile;
use crate::text::{each_token, fnv1a};

type FxHashSet<T> = std::collections::HashSet<T, std::hash::BuildHasherDefault<FxHasher>>;

/// The last index of a watch session.
#[derive(Debug, Default)]
pub struct SearchMemo {
    around: u64,
    /// (item id, item version) of each document, in document order.
    order: Vec<(u32, u64)>,
    /// Each document's distinct tokens, `\n`-separated (tokens never hold whitespace).
    doc_tokens: Vec<String>,
    /// Token -> documents, per shard, sorted as the shard files are.
    shards: Vec<BTreeMap<Box<str>, Vec<u32>>>,
    /// The estimate of the index size the shard count comes from.
    estimate: usize,
    /// The bytes of every index file.
    files: BTreeMap<Arc<str>, bytes::Bytes>,
    /// Where each document's JSON ends in its chunk file (it starts after the byte following
    /// the one before it, or after the `[` of the chunk), so a chunk is patched by copying the
    /// other documents' bytes rather than making their documents again.
    doc_ends: Vec<usize>,
    /// The document numbers in decimal, for the shards.
    numbers: json::DocNumbers,
    /// Documents tokenized by the last update (all of them after a whole build), for tests.
    pub last_tokenized: usize,
}

/// Item `n`'s search document and the distinct tokens of its indexed text, in first-seen order.
fn tokens_of<'a>(site: &'a Site, config: &Config, n: usize) -> (Doc<'a>, String) {
    let mut seen: FxHashSet<String> = FxHashSet::default();
    let mut out = String::new();
    let doc = document(site, config, n, &mut |piece| {
        each_token(piece, true, |t| {
            if !seen.contains(t) {
                seen.insert(t.to_string());
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(t);
            }
        })
    });
    (doc, out)
}

/// The bytes of a token shard file.
fn shard_file(shard: &BTreeMap<Box<str>, Vec<u32>>, numbers: &json::DocNumbers) -> Vec<u8> {
    let size = shard.iter().map(|(t, d)| size_of(t) + d.len() * 6).sum();
    json::shard(shard.iter().map(|(t, d)| (&**t, d.as_slice())), size, numbers)
}

fn size_of(token: &str) -> usize {
    token.len() + 6
}

/// Brings `memo` up to date with `site` and hands every index file to `emit` (unchanged files
/// with the bytes of the last build). Documents follow the list order (`site.order`); `ids` and
/// `versions` are the items' session-wide ids and versions.
pub fn index(
    site: &Site,
    config: &Config,
    around: u64,
    ids: &[u32],
    versions: &[u64],
    memo: &mut SearchMemo,
    emit: &mut dyn FnMut(OutputFile) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    let order = &site.order;
    let now: Vec<(u32, u64)> = order.iter().map(|&n| (ids[n], versions[n])).collect();
    let same_docs = memo.around == around
        && memo.order.len() == now.len()
        && memo.order.iter().zip(&now).all(|(a, b)| a.0 == b.0)
        && !memo.shards.is_empty();
    let patched = same_docs && patch(site, config, order, &now, memo);
    if !patched {
        whole(site, config, order, memo);
    }
    memo.around = around;
    memo.order = now;
    for (path, bytes) in &memo.files {
        emit(OutputFile { path: path.clone(), bytes: bytes.clone() })?;
    }
    Ok(())
}

/// Builds the index whole into `memo`.
fn whole(site: &Site, config: &Config, order: &[usize], memo: &mut SearchMemo) {
    let made: Vec<(Doc<'_>, String)> = order.par_iter().map(|&n| tokens_of(site, config, n)).collect();
    // Hashed, then sorted once per shard: a `BTreeMap` of every token, each occurrence a
    // search of string compares, took seconds at 10,000 pages.
    let mut postings: FxHashMap<&str, Vec<u32>> = FxHashMap::default();
    for (id, (_, tokens)) in made.iter().enumerate() {
        for t in tokens.split('\n').filter(|t| !t.is_empty()) {
            postings.entry(t).or_default().push(id as u32);
        }
    }
    let estimate: usize = postings.iter().map(|(t, d)| size_of(t) + d.len() * 5).sum();
    let count = shard_count(estimate);
    let mut by_shard: Vec<Vec<(&str, Vec<u32>)>> = vec![Vec::new(); count];
    for (t, d) in postings {
        by_shard[(fnv1a(t) as usize) % count].push((t, d));
    }
    let shards: Vec<BTreeMap<Box<str>, Vec<u32>>> = by_shard
        .into_par_iter()
        .map(|mut shard| {
            shard.sort_unstable_by(|a, b| a.0.cmp(b.0));
            shard.into_iter().map(|(t, d)| (t.into(), d)).collect()
        })
        .collect();
    let mut files = BTreeMap::new();
    let numbers = json::DocNumbers::new(made.len());
    let shard_files: Vec<Vec<u8>> = shards.par_iter().map(|shard| shard_file(shard, &numbers)).collect();
    for (i, bytes) in shard_files.into_iter().enumerate() {
        files.insert(format!("search/t-{i}.json").into(), bytes.into());
    }
    let docs: Vec<&Doc<'_>> = made.iter().map(|(d, _)| d).collect();
    let chunks: Vec<(Vec<u8>, Vec<usize>)> =
        docs.par_chunks(CHUNK).map(|chunk| join(chunk.iter().map(|&doc| Piece::Doc(doc)), 0)).collect();
    let mut doc_ends = Vec::with_capacity(docs.len());
    for (i, (bytes, ends)) in chunks.into_iter().enumerate() {
        files.insert(format!("search/d-{i}.json").into(), bytes.into());
        doc_ends.extend(ends);
    }
    if docs.is_empty() {
        files.insert("search/d-0.json".into(), b"[]"[..].into());
    }
    let chunks = docs.chunks(CHUNK).count().max(1);
    files.insert("search/meta.json".into(), json::meta(count, CHUNK, chunks, docs.len()).into());
    memo.doc_ends = doc_ends;
    memo.numbers = numbers;
    memo.last_tokenized = made.len();
    memo.doc_tokens = made.into_iter().map(|(_, t)| t).collect();
    memo.shards = shards;
    memo.estimate = estimate;
    memo.files = files;
}

/// Updates `memo` for the documents whose version changed; false when the index must be built
/// whole instead (the number of shards would change).
fn patch(site: &Site, config: &Config, order: &[usize], now: &[(u32, u64)], memo: &mut SearchMemo) -> bool {
    let changed: Vec<usize> = (0..now.len()).filter(|&k| memo.order[k].1 != now[k].1).collect();
    let count = memo.shards.len();
    let mut estimate = memo.estimate;
    let mut dirty_shards = BTreeSet::new();
    let mut fresh = Vec::with_capacity(changed.len());
    for &k in &changed {
        let (doc, tokens) = tokens_of(site, config, order[k]);
        let mut doc_json = Vec::new();
        json::document(&mut doc_json, &doc);
        let old: FxHashSet<&str> = memo.doc_tokens[k].split('\n').filter(|t| !t.is_empty()).collect();
        let new: FxHashSet<&str> = tokens.split('\n').filter(|t| !t.is_empty()).collect();
        let id = k as u32;
        for t in old.difference(&new) {
            let shard = (fnv1a(t) as usize) % count;
            dirty_shards.insert(shard);
            if let Some(list) = memo.shards[shard].get_mut(*t) {
                if let Ok(at) = list.binary_search(&id) {
                    list.remove(at);
                    estimate -= 5;
                }
                if list.is_empty() {
                    memo.shards[shard].remove(*t);
                    estimate -= size_of(t);
                }
            }
        }
        for t in new.difference(&old) {
            let shard = (fnv1a(t) as usize) % count;
            dirty_shards.insert(shard);
            let list = memo.shards[shard].entry((*t).into()).or_insert_with(|| {
                estimate += size_of(t);
                Vec::new()
            });
            if let Err(at) = list.binary_search(&id) {
                list.insert(at, id);
                estimate += 5;
            }
        }
        fresh.push((k, tokens, doc_json));
    }
    if shard_count(estimate) != count {
        return false;
    }
    memo.estimate = estimate;
    memo.last_tokenized = fresh.len();
    let mut fresh_docs: BTreeMap<usize, Vec<u8>> = BTreeMap::new();
    for (k, tokens, doc_json) in fresh {
        memo.doc_tokens[k] = tokens;
        fresh_docs.insert(k, doc_json);
    }
    let dirty_shards: Vec<usize> = dirty_shards.into_iter().collect();
    let (shards, numbers) = (&memo.shards, &memo.numbers);
    let shard_files: Vec<Vec<u8>> = dirty_shards.par_iter().map(|&i| shard_file(&shards[i], numbers)).collect();
    for (i, bytes) in dirty_shards.into_iter().zip(shard_files) {
        memo.files.insert(format!("search/t-{i}.json").into(), bytes.into());
    }
    let dirty_chunks: BTreeSet<usize> = fresh_docs.keys().map(|k| k / CHUNK).collect();
    for c in dirty_chunks {
        let path = format!("search/d-{c}.json");
        let first = c * CHUNK;
        let count = CHUNK.min(now.len() - first);
        let (Some(old), Some(old_ends)) = (memo.files.get(path.as_str()), memo.doc_ends.get(first..first + count))
        else {
            return false;
        };
        let starts = std::iter::once(1).chain(old_ends.iter().map(|end| end + 1));
        let pieces: Option<Vec<&[u8]>> = (first..)
            .zip(starts.zip(old_ends))
            .map(|(k, (start, &end))| fresh_docs.get(&k).map(Vec::as_slice).or_else(|| old.get(start..end)))
            .collect();
        let Some(pieces) = pieces else {
            return false;
        };
        let (bytes, ends) = join(pieces.into_iter().map(Piece::Json), old.len());
        memo.doc_ends.splice(first..first + count, ends);
        memo.files.insert(path.into(), bytes.into());
    }
    true
}

/// One document of a chunk file: to be written, or its JSON.
enum Piece<'a> {
    Doc(&'a Doc<'a>),
    Json(&'a [u8]),
}

/// A chunk file of `pieces`, and where each document ends in it; `size` is a guess of its
/// length.
fn join<'a>(pieces: impl Iterator<Item = Piece<'a>>, size: usize) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::with_capacity(size + size / 8);
    let mut ends = Vec::with_capacity(CHUNK);
    out.push(b'[');
    for piece in pieces {
        if out.len() > 1 {
            out.push(b',');
        }
        match piece {
            Piece::Doc(doc) => json::document(&mut out, doc),
            Piece::Json(bytes) => out.extend_from_slice(bytes),
        }
        ends.push(out.len());
    }
    out.push(b']');
    (out, ends)
}

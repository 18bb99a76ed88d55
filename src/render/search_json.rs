//! The JSON of the search index files, written by hand into byte vectors.
//!
//! The index files have three fixed shapes (token shards: an object of token -> sorted document
//! numbers; document chunks: an array of six-string arrays; `meta.json`: five numbers), and
//! serializing them through serde_json was most of the index's cost after tokenizing: a
//! visitor per value, a `memcpy` call per number, a byte-at-a-time string escaper. These
//! writers make exactly the bytes serde_json made (strings escaped as it escapes them: `"`,
//! `\` and control characters only, `/` and non-ASCII as they are), tested against it below.
//! Writes go into a `Vec<u8>`, which cannot fail.

use super::search::Doc;

/// Appends `s` as a JSON string, escaped as serde_json escapes it: `"` and `\` with a
/// backslash, the control characters U+0000 to U+001F as `\b`, `\t`, `\n`, `\f`, `\r` or
/// `\u00xx` (lower-case hex); everything else, `/`, DEL and non-ASCII included, as it is.
/// The text between escapes is copied in runs.
pub fn string(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let mut start = 0;
    while let Some((at, byte)) = next_to_escape(b, start) {
        out.extend_from_slice(b.get(start..at).unwrap_or_default());
        start = at + 1;
        match ESCAPES[usize::from(byte)] {
            b'u' => {
                let hex = |d: u8| if d < 10 { b'0' + d } else { b'a' + d - 10 };
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', hex(byte >> 4), hex(byte & 0xf)]);
            }
            letter => out.extend_from_slice(&[b'\\', letter]),
        }
    }
    out.extend_from_slice(b.get(start..).unwrap_or_default());
    out.push(b'"');
}

/// The first byte of `b` from `from` on that needs escaping, and where it is. Sixteen bytes at
/// a time are checked with word arithmetic (nearly no byte needs escaping), the last few one by
/// one.
#[inline]
fn next_to_escape(b: &[u8], from: usize) -> Option<(usize, u8)> {
    let mut i = from;
    while let Some(two) = b.get(i..).and_then(|rest| rest.first_chunk::<16>()) {
        let (lo, hi) = two.split_at(8);
        let word = |half: &[u8]| half.first_chunk::<8>().map_or(0, |w| u64::from_le_bytes(*w));
        let (lo, hi) = (to_escape(word(lo)), to_escape(word(hi)));
        if lo | hi != 0 {
            let at = i + if lo != 0 { lo.trailing_zeros() / 8 } else { 8 + hi.trailing_zeros() / 8 } as usize;
            return b.get(at).map(|&byte| (at, byte));
        }
        i += 16;
    }
    let tail = b.get(i..).unwrap_or_default();
    tail.iter().position(|&byte| ESCAPES[usize::from(byte)] != 0).and_then(|k| b.get(i + k).map(|&byte| (i + k, byte)))
}

/// The bytes of `w` (eight, little-endian) that are below 0x20, `"` or `\`, as the high bit of
/// each; exact for the lowest such byte, which is all [`next_to_escape`] reads (0 when there is
/// none). The high bit of a byte of `x - 0x01..01 & !x` is set for a zero byte of `x`, and of
/// `x - 0x20..20 & !x` for a byte below 0x20; a borrow can only mark bytes above a true one.
#[inline]
fn to_escape(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let quote = w ^ (ONES * u64::from(b'"'));
    let backslash = w ^ (ONES * u64::from(b'\\'));
    let control = w.wrapping_sub(ONES * 0x20) & !w;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x;
    (control | zero(quote) | zero(backslash)) & HIGH
}

/// How each byte is escaped: 0 not at all, `u` as `\u00xx`, else a backslash and this letter.
const ESCAPES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut c = 0;
    while c < 0x20 {
        table[c] = b'u';
        c += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Appends `n` in decimal, then the byte `then`. Numbers below 10,000,000 are put together in
/// one word ([`digits_then`]), written whole and cut to length: no copy of a variable length
/// (a `memcpy` call cost as much as making the digits). Out of line: nearly every number is
/// written from [`DocNumbers`].
#[cold]
#[inline(never)]
pub fn number_then(out: &mut Vec<u8>, n: u32, then: u8) {
    match digits_then(n, then) {
        Some(word) => push_word(out, word),
        None => {
            out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
            out.push(then);
        }
    }
}

/// `n` (below 10,000,000) in decimal followed by `then` (not 0), as the low bytes of a word
/// whose other bytes are 0; `None` for a larger `n`.
fn digits_then(n: u32, then: u8) -> Option<u64> {
    if n >= 10_000_000 {
        return None;
    }
    let digits = eight_digits(n);
    // Leading zeros are the low bytes; `n` has at least one digit.
    let len = (8 - digits.trailing_zeros() as usize / 8).max(1);
    let ascii = (digits | 0x3030_3030_3030_3030) >> (8 * (8 - len));
    Some(ascii | (u64::from(then) << (8 * len)))
}

/// Appends the nonzero low bytes of `word` (no zero byte among them).
#[inline]
fn push_word(out: &mut Vec<u8>, word: u64) {
    let end = out.len() + 8 - word.leading_zeros() as usize / 8;
    out.extend_from_slice(&word.to_le_bytes());
    out.truncate(end);
}

/// Document numbers in decimal, each with a comma after it, made once for every number below
/// the number of documents: a shard repeats each number many times (a 10,000-page site's
/// shards hold millions), and copying a made number costs a few instructions where making it
/// cost some forty.
#[derive(Debug, Default)]
pub struct DocNumbers(Vec<u64>);

impl DocNumbers {
    /// The numbers `0..docs` (up to 10,000,000; larger ones are made where they are written).
    pub fn new(docs: usize) -> DocNumbers {
        let known = u32::try_from(docs).unwrap_or(u32::MAX).min(10_000_000);
        DocNumbers((0..known).filter_map(|n| digits_then(n, b',')).collect())
    }

    /// Appends `n` and a comma.
    #[inline(always)]
    fn push(&self, out: &mut Vec<u8>, n: u32) {
        match self.0.get(n as usize) {
            Some(&word) => push_word(out, word),
            None => number_then(out, n, b','),
        }
    }
}

/// The eight decimal digits of `n` (below 100,000,000, with leading zeros), one per byte, the
/// first in the lowest byte: the halves of four digits side by side in 32-bit lanes, each split
/// into two digit pairs in 16-bit lanes, each of those into two digits, every lane's division
/// a multiplication and shift that is exact over the lane's range (x * 10486 >> 20 = x / 100
/// for x < 10,000; x * 103 >> 10 = x / 10 for x < 100).
#[inline]
fn eight_digits(n: u32) -> u64 {
    let n = u64::from(n);
    let lanes = (n / 10_000) | ((n % 10_000) << 32);
    let hundreds = ((lanes * 10_486) >> 20) & 0x0000_007f_0000_007f;
    let pairs = hundreds | ((lanes - hundreds * 100) << 16);
    let tens = ((pairs * 103) >> 10) & 0x000f_000f_000f_000f;
    tens | ((pairs - tens * 10) << 8)
}

/// A token shard: `{"token":[doc,...],...}` with the entries in the order given (serde_json
/// writes a `BTreeMap`'s, sorted by token bytes). `size` is a guess of the length, to
/// allocate once.
pub fn shard<'a>(
    entries: impl IntoIterator<Item = (&'a str, &'a [u32])>,
    size: usize,
    numbers: &DocNumbers,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(size);
    out.push(b'{');
    for (token, docs) in entries {
        string(&mut out, token);
        out.extend_from_slice(b":[");
        for &d in docs {
            numbers.push(&mut out, d);
        }
        // The last number's comma becomes the bracket; an empty list gets its own.
        if docs.is_empty() {
            out.push(b']');
        } else if let Some(last) = out.last_mut() {
            *last = b']';
        }
        out.push(b',');
    }
    match out.last_mut() {
        Some(last) if *last == b',' => *last = b'}',
        _ => out.push(b'}'),
    }
    out
}

/// Appends one document: `[url,title,kind,date,summary,text]`.
pub fn document(out: &mut Vec<u8>, doc: &Doc<'_>) {
    let (url, title, kind, date, summary, text) = doc;
    out.push(b'[');
    for (k, s) in [url.as_str(), title, kind, date.as_str(), summary, text].into_iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        string(out, s);
    }
    out.push(b']');
}

/// A chunk of documents: a JSON array of [`document`]s.
pub fn chunk<'a>(docs: impl IntoIterator<Item = &'a Doc<'a>>) -> Vec<u8> {
    let mut out = vec![b'['];
    for doc in docs {
        if out.len() > 1 {
            out.push(b',');
        }
        document(&mut out, doc);
    }
    out.push(b']');
    out
}

/// `meta.json`: its keys sorted, as serde_json's map writes them.
pub fn meta(shards: usize, chunk: usize, chunks: usize, docs: usize) -> Vec<u8> {
    format!(r#"{{"chunk":{chunk},"chunks":{chunks},"docs":{docs},"shards":{shards},"version":1}}"#).into_bytes()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn escaped(s: &str) -> String {
        let mut out = Vec::new();
        string(&mut out, s);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut cases: Vec<String> = [
            "",
            "plain",
            "\"",
            "\\",
            "a\"b\\c",
            "/path/to/x/",
            "tab\there\nnew\rret\u{8}bs\u{c}ff",
            "\u{0}\u{1}\u{1f}\u{7f}",
            "赞助商们 «quote» ¥105500 é",
            "line\u{2028}sep\u{2029}para",
            "emoji 🎉 and \u{feff} bom",
            "exactly8",
            "1234567\"",
            "\"1234567",
            "12345678\\",
            "0123456789abcdef\n0123456789abcdef",
        ]
        .map(String::from)
        .into();
        // Every ASCII character at every offset of an eight-byte word, with non-ASCII around.
        for c in 0..0x80u8 {
            for at in 0..17 {
                let mut s = "é".repeat(at / 2) + &"x".repeat(at % 2);
                s.push(char::from(c));
                s.push_str("y中z");
                cases.push(s);
            }
        }
        for s in &cases {
            assert_eq!(escaped(s), serde_json::to_string(s).unwrap_or_default(), "{s:?}");
        }
    }

    #[test]
    fn word_check_finds_the_first_byte_to_escape() {
        let needs = |byte: u8| byte < 0x20 || byte == b'"' || byte == b'\\';
        for byte in 0..=255u8 {
            for other in [b'a', 0, 0x1f, 0x20, b'"', b'\\', 0x80, 0xff] {
                for at in 0..8 {
                    let mut word = [b'a'; 8];
                    word[at] = byte;
                    if at < 7 {
                        word[7] = other;
                    }
                    let first = word.iter().position(|&c| needs(c)).map_or(0, |k| 0x80 << (8 * k));
                    let found = to_escape(u64::from_le_bytes(word));
                    assert_eq!(found & found.wrapping_neg(), first, "{word:?}");
                }
            }
        }
    }

    #[test]
    fn shards_are_written_as_serde_json_writes_them() {
        let mut map: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        map.insert("9", vec![0, 9, 10, 99, 100, 65_535, 1_000_000, u32::MAX]);
        map.insert("赞助", vec![7]);
        map.insert("a\"b", vec![]);
        map.insert("x", vec![3, 4]);
        for known in [0, 5, 11, 100_000] {
            let bytes = shard(map.iter().map(|(t, d)| (*t, d.as_slice())), 0, &DocNumbers::new(known));
            assert_eq!(bytes, serde_json::to_vec(&map).unwrap_or_default(), "{known} numbers made");
        }
        assert_eq!(shard(std::iter::empty(), 0, &DocNumbers::new(0)), b"{}");
    }

    #[test]
    fn eight_digits_are_exact_over_their_range() {
        for n in (0..100_000_000).step_by(997).chain(0..20_000).chain(99_990_000..100_000_000) {
            let digits = eight_digits(n).to_le_bytes().map(|d| b'0' + d);
            assert_eq!(digits, format!("{n:08}").as_bytes(), "{n}");
        }
    }

    #[test]
    fn numbers_are_decimal() {
        let mut cases = vec![0, 1, 9, 10, 11, 99, 100, 101, 999_999, 9_999_999, 10_000_000, 4_294_967_294, u32::MAX];
        cases.extend((0..10).map(|k| 10u32.pow(k)).flat_map(|p| [p - 1, p, p + 1]));
        let numbers = DocNumbers::new(2_000_000);
        for n in cases {
            let mut out = b"x".to_vec();
            number_then(&mut out, n, b',');
            assert_eq!(out, format!("x{n},").as_bytes());
            let mut out = b"x".to_vec();
            numbers.push(&mut out, n);
            assert_eq!(out, format!("x{n},").as_bytes());
        }
    }

    #[test]
    fn chunks_and_meta_are_written_as_serde_json_writes_them() {
        let docs: Vec<Doc<'_>> = vec![
            ("/a/".into(), "T \"1\"", "activity", "2025-01-02".into(), "s\\", "text\n中文\u{2028}"),
            (String::new(), "", "page", String::new(), "", ""),
        ];
        assert_eq!(chunk(&docs), serde_json::to_vec(&docs).unwrap_or_default());
        assert_eq!(chunk(&docs[..0]), b"[]");
        let meta_value = serde_json::json!({ "version": 1, "shards": 64, "chunk": 200, "chunks": 50, "docs": 10_000 });
        assert_eq!(meta(64, 200, 50, 10_000), serde_json::to_vec(&meta_value).unwrap_or_default());
    }
}

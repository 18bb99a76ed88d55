//! Text measures that count Chinese correctly: summaries, word counts, reading time, slugs.
//!
//! Chinese has no spaces between words, so counting "words" by whitespace undercounts a Chinese
//! page by a factor of hundreds. Here every CJK character counts as one word and every run of
//! other letters or digits as one word.

/// True for characters of Chinese, Japanese and Korean scripts (and CJK punctuation).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF |
        0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

fn is_cjk_letter(c: char) -> bool {
    is_cjk(c)
        && !matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

/// Words in `text`: each CJK character is a word, and so is each run of other alphanumerics.
pub fn word_count(text: &str) -> usize {
    counts(text).0
}

/// Minutes to read `text`: 300 Chinese characters or 200 other words a minute, at least 1.
pub fn reading_minutes(text: &str) -> usize {
    minutes_for(counts(text))
}

/// [`word_count`] and the CJK characters among those words, in one pass over the bytes: ASCII
/// is classified without decoding, and lead bytes `E5`..=`E9` (U+5000..=U+9FFF, common
/// ideographs) without decoding the rest of the character. Other characters are decoded.
pub fn counts(text: &str) -> (usize, usize) {
    let bytes = text.as_bytes();
    let (mut words, mut cjk, mut in_word) = (0, 0, 0u8);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            // A word starts where an alphanumeric follows something else.
            let alnum = ASCII_ALNUM[usize::from(b)];
            words += usize::from(alnum > in_word);
            in_word = alnum;
            i += 1;
            continue;
        }
        if (0xE5..=0xE9).contains(&b) {
            words += 1;
            cjk += 1;
            in_word = 0;
            i += 3;
            continue;
        }
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else { break };
        i += c.len_utf8();
        match non_ascii_class(c) {
            NonAscii::Cjk => {
                words += 1;
                cjk += 1;
                in_word = 0;
            }
            NonAscii::Alphanumeric => {
                words += usize::from(in_word == 0);
                in_word = 1;
            }
            NonAscii::Other => in_word = 0,
        }
    }
    (words, cjk)
}

/// 1 for ASCII letters and digits, 0 for other ASCII.
const ASCII_ALNUM: [u8; 128] = {
    let mut t = [0; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric() as u8;
        b += 1;
    }
    t
};

/// What a non-ASCII character is to [`counts`].
enum NonAscii {
    /// A CJK letter: a word by itself.
    Cjk,
    /// Part of a word.
    Alphanumeric,
    /// Between words.
    Other,
}

fn non_ascii_class(c: char) -> NonAscii {
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        // The common case of `is_cjk_letter`, tested first.
        NonAscii::Cjk
    } else if matches!(c as u32, 0x2000..=0x206F | 0x3000..=0x3004 | 0x3008..=0x3020 | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
    {
        // Common punctuation (general, CJK, full-width), none of it alphanumeric: spares
        // `is_alphanumeric`'s table lookup.
        NonAscii::Other
    } else if is_cjk_letter(c) {
        NonAscii::Cjk
    } else if c.is_alphanumeric() {
        NonAscii::Alphanumeric
    } else {
        NonAscii::Other
    }
}

/// [`reading_minutes`] from [`counts`].
pub fn minutes_for((words, cjk): (usize, usize)) -> usize {
    let minutes = cjk as f64 / 300.0 + (words - cjk) as f64 / 200.0;
    (minutes.ceil() as usize).max(1)
}

/// The opening of `text`, about `limit` Chinese characters long (other characters count half),
/// ending at a sentence end when one is near, else at a word boundary with `…`.
pub fn summarize(text: &str, limit: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut units = 0.0;
    let mut cut = None;
    for (i, c) in text.char_indices() {
        units += if is_cjk(c) { 1.0 } else { 0.5 };
        if units > limit as f64 {
            cut = Some(i);
            break;
        }
    }
    let Some(cut) = cut else { return text };
    let head = &text[..cut];
    let sentence_end = head
        .char_indices()
        .filter(|(_, c)| matches!(c, '。' | '！' | '？' | '!' | '?' | '.' | '；'))
        .map(|(i, c)| i + c.len_utf8())
        .rfind(|&i| i >= cut / 2);
    if let Some(end) = sentence_end {
        return head[..end].trim_end().to_string();
    }
    let last = head.chars().next_back().unwrap_or(' ');
    let next = text[cut..].chars().next().unwrap_or(' ');
    let head = if !is_cjk(last) && last.is_alphanumeric() && next.is_alphanumeric() {
        head.rfind(' ').map(|i| &head[..i]).unwrap_or(head)
    } else {
        head
    };
    format!("{}…", head.trim_end())
}

/// A URL segment for a tag or title: lower-case ASCII letters and digits, CJK kept, everything
/// else collapsed into single dashes.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || (c.is_alphanumeric() && !c.is_ascii()) {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out
}

/// ASCII words in kebab-case, Chinese characters as pinyin syllables: `元旦晚会` ->
/// `yuan-dan-wan-hui`. File names of new items, and the order Chinese readers expect for names.
pub fn pinyin_slug(title: &str) -> String {
    use pinyin::ToPinyin;
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, words: &mut Vec<String>| {
        if !word.is_empty() {
            words.push(std::mem::take(word));
        }
    };
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if let Some(p) = c.to_pinyin() {
            flush(&mut word, &mut words);
            words.push(p.plain().to_string());
        } else {
            flush(&mut word, &mut words);
        }
    }
    flush(&mut word, &mut words);
    words.join("-")
}

/// Decodes bytes as UTF-8 text (BOM removed, CRLF turned into LF). Checked with `simdutf8`
/// (SIMD, chosen at run time): the standard library's check, mostly byte by byte on Chinese
/// text, was 2% of a build's instructions; it runs only to locate an error. The text is copied
/// out of `bytes` (keeping a read buffer as the `String` would take the standard check again, or
/// `unsafe`).
pub fn decode_utf8(path: &std::path::Path, bytes: &[u8]) -> Result<String, crate::diagnostic::Diagnostic> {
    let text = simdutf8::basic::from_utf8(bytes).or_else(|_| std::str::from_utf8(bytes)).map_err(|e| {
        let (line, col) =
            crate::diagnostic::line_col(std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or(""), e.valid_up_to());
        crate::diagnostic::Diagnostic::new(
            path,
            crate::codes::Code::NotUtf8,
            crate::t!("this file is not valid UTF-8 text", "这个文件不是 UTF-8 编码的文本"),
        )
        .at(line, col)
        .hint(crate::t!(
            "save the file with UTF-8 encoding (in most editors: Save As / Encoding: UTF-8)",
            "用 UTF-8 编码保存文件（多数编辑器：另存为 / 编码：UTF-8）"
        ))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text.to_string() })
}

/// How the search tokenizer sees a character. The ranges are plain code-point ranges so the
/// browser's tokenizer (`themes/default/static/search.js`) can use exactly the same ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharClass {
    Cjk,
    Word,
    Separator,
}

#[cfg(test)]
fn char_class(c: char) -> CharClass {
    char_class_u32(c as u32)
}

fn char_class_u32(u: u32) -> CharClass {
    match u {
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x3040..=0x30FF | 0xAC00..=0xD7AF | 0x20000..=0x2FA1F => {
            CharClass::Cjk
        }
        0x30..=0x39 | 0x41..=0x5A | 0x61..=0x7A => CharClass::Word,
        0xC0..=0x24F if u != 0xD7 && u != 0xF7 => CharClass::Word,
        0x370..=0x4FF => CharClass::Word, // Greek and Cyrillic
        _ => CharClass::Separator,
    }
}

/// Splits text into search tokens: lower-cased words of two or more letters or digits (Unicode
/// lower-casing of the whole word, as `toLowerCase` does in the browser), and for each run of CJK characters its overlapping
/// two-character pairs, or the character itself when the run is one character long. Queries
/// and the index are split by this same function (and its JavaScript twin), so they always
/// agree.
pub fn tokenize(text: &str) -> Vec<String> {
    tokens(text, false)
}

/// [`tokenize`] plus every single CJK character, so that one-character queries find pages.
pub fn index_tokens(text: &str) -> Vec<String> {
    tokens(text, true)
}

fn tokens(text: &str, with_unigrams: bool) -> Vec<String> {
    let mut out = Vec::new();
    each_token(text, with_unigrams, |t| out.push(t.to_string()));
    out
}

/// Calls `f` with every token of [`tokenize`] (and with `with_unigrams`, of [`index_tokens`]), in
/// the same order, without allocating one string per token. Runs of one class are contiguous in
/// `text`, so CJK pairs and characters are slices of it; only words are lower-cased into a
/// buffer. One pass over the bytes: a CJK run hands out its pairs as it is scanned (each
/// character is decoded once) and then, for unigrams, its characters by their byte lengths.
pub fn each_token(text: &str, with_unigrams: bool, mut f: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut lower = String::new();
    let mut i = 0;
    while let Some((class, len)) = class_at(bytes, i) {
        let start = i;
        i += len;
        match class {
            CharClass::Separator => {}
            CharClass::Word => {
                let mut ascii = len == 1;
                let mut chars = 1;
                while let Some((CharClass::Word, len)) = class_at(bytes, i) {
                    ascii &= len == 1;
                    chars += 1;
                    i += len;
                }
                if chars > 1 {
                    let word = &text[start..i];
                    if ascii {
                        lower.clear();
                        lower.push_str(word);
                        lower.make_ascii_lowercase();
                        f(&lower);
                    } else {
                        f(&word.to_lowercase());
                    }
                }
            }
            CharClass::Cjk => {
                // Pairs (each character with the next) while scanning, then the characters.
                let mut prev = start;
                while let Some((CharClass::Cjk, len)) = class_at(bytes, i) {
                    f(&text[prev..i + len]);
                    prev = i;
                    i += len;
                }
                if prev == start {
                    f(&text[start..i]);
                } else if with_unigrams {
                    let mut at = start;
                    while at < i {
                        let next = at + utf8_len(bytes[at]);
                        f(&text[at..next]);
                        at = next;
                    }
                }
            }
        }
    }
}

/// The class and byte length of the character starting at byte `i` of `bytes` (valid UTF-8,
/// `i` on a character boundary); `None` at the end. ASCII (half of a typical page) is
/// classified without decoding.
fn class_at(bytes: &[u8], i: usize) -> Option<(CharClass, usize)> {
    let b = *bytes.get(i)?;
    if b.is_ascii() {
        return Some((if b.is_ascii_alphanumeric() { CharClass::Word } else { CharClass::Separator }, 1));
    }
    let len = utf8_len(b);
    let cont = |k: usize| u32::from(bytes.get(i + k).copied().unwrap_or(0) & 0x3F);
    let c = match len {
        2 => (u32::from(b & 0x1F) << 6) | cont(1),
        3 => (u32::from(b & 0x0F) << 12) | (cont(1) << 6) | cont(2),
        _ => (u32::from(b & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3),
    };
    Some((char_class_u32(c), len))
}

/// The length in bytes of the UTF-8 character whose first byte is `b`.
fn utf8_len(b: u8) -> usize {
    match b {
        0..=0x7F => 1,
        0x80..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// FNV-1a (32 bit) of the UTF-8 bytes: picks a token's index shard, in Rust and in the browser.
pub fn fnv1a(s: &str) -> u32 {
    fnv1a_bytes(s.as_bytes())
}

/// [`fnv1a`] of any bytes.
pub fn fnv1a_bytes(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Text of `len` characters drawn from `alphabet` by a xorshift generator (`seed` moves on):
/// the random input of the tests that hold fast paths to their reference versions.
#[cfg(test)]
pub(crate) fn random_text(alphabet: &[char], len: usize, seed: &mut u32) -> String {
    (0..len)
        .map(|_| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 17;
            *seed ^= *seed << 5;
            alphabet[*seed as usize % alphabet.len()]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_of_chinese_and_english() {
        assert_eq!(tokenize("外联部 Sponsorship 2018"), ["外联", "联部", "sponsorship", "2018"]);
        assert_eq!(tokenize("赞"), ["赞"]);
        assert_eq!(tokenize("a 赞助，商"), ["赞助", "商"]);
        assert_eq!(index_tokens("赞助"), ["赞助", "赞", "助"]);
        assert_eq!(tokenize("Café ÉTÉ ΟΔΟΣ"), ["café", "été", "οδος"]);
    }

    /// The tokenizer as first written (runs split at class changes, each run handed over
    /// whole), kept to check that the one-pass version gives the same tokens in the same order.
    fn reference_tokens(text: &str, with_unigrams: bool) -> Vec<String> {
        let mut out = Vec::new();
        let mut runs: Vec<(CharClass, String)> = Vec::new();
        for c in text.chars() {
            let k = char_class(c);
            match runs.last_mut() {
                Some((last, run)) if *last == k => run.push(c),
                _ => runs.push((k, c.to_string())),
            }
        }
        for (k, run) in runs {
            let chars: Vec<char> = run.chars().collect();
            match k {
                CharClass::Word if chars.len() > 1 => out.push(run.to_lowercase()),
                CharClass::Cjk if chars.len() == 1 => out.push(run),
                CharClass::Cjk => {
                    out.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
                    if with_unigrams {
                        out.extend(chars.iter().map(char::to_string));
                    }
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn one_pass_tokens_equal_the_reference() {
        let alphabet: Vec<char> = "aZ9 é×ΟΔя中文赞助。，ーア한𠀀\u{20}-_.!€ǅ\n".chars().collect();
        let mut seed = 0x2545_f491_u32;
        for len in 0..400 {
            let text = random_text(&alphabet, len % 23, &mut seed);
            for unigrams in [false, true] {
                assert_eq!(tokens(&text, unigrams), reference_tokens(&text, unigrams), "{text:?}");
            }
        }
    }

    #[test]
    fn fnv1a_known_values() {
        assert_eq!(fnv1a(""), 0x811c9dc5);
        assert_eq!(fnv1a("a"), 0xe40c292c);
    }

    #[test]
    fn counts_chinese_characters_as_words() {
        assert_eq!(word_count("外联部 sponsorship report"), 5);
        assert_eq!(word_count("你好，世界！"), 4);
    }

    #[test]
    fn counts_fast_paths_agree_with_the_rules() {
        for u in (0x80..0x1_0000).chain(0x2_0000..0x2_0100) {
            let Some(c) = char::from_u32(u) else { continue };
            let expected = if is_cjk_letter(c) { (1, 1) } else { (usize::from(c.is_alphanumeric()), 0) };
            assert_eq!(counts(&c.to_string()), expected, "U+{u:04X}");
        }
    }

    /// [`counts`] as first written (one decoded character at a time), kept to check the byte
    /// version against.
    fn reference_counts(text: &str) -> (usize, usize) {
        let (mut words, mut cjk, mut in_word) = (0, 0, false);
        for c in text.chars() {
            if is_cjk_letter(c) {
                words += 1;
                cjk += 1;
                in_word = false;
            } else if c.is_alphanumeric() {
                words += usize::from(!in_word);
                in_word = true;
            } else {
                in_word = false;
            }
        }
        (words, cjk)
    }

    #[test]
    fn byte_counts_equal_the_reference() {
        let alphabet: Vec<char> =
            "aZ9 é×ΟΔя中文赞助鿿丁㐀。，ーア한𠀀\u{20}-_.!€ǅ\n\u{2070}\u{2000}\u{3005}\u{FF10}\u{FF21}"
                .chars()
                .collect();
        let mut seed = 0x9e37_79b9_u32;
        for len in 0..600 {
            let text = random_text(&alphabet, len % 31, &mut seed);
            assert_eq!(counts(&text), reference_counts(&text), "{text:?}");
        }
    }

    #[test]
    fn reading_time_of_chinese() {
        let text = "字".repeat(900);
        assert_eq!(reading_minutes(&text), 3);
        assert_eq!(reading_minutes("short"), 1);
    }

    #[test]
    fn summary_ends_at_sentence() {
        let text = format!("{}。{}", "甲".repeat(60), "乙".repeat(100));
        assert_eq!(summarize(&text, 100), format!("{}。", "甲".repeat(60)));
        assert_eq!(summarize("短句。", 100), "短句。");
    }

    #[test]
    fn summary_does_not_cut_english_words() {
        let s = summarize(&"word ".repeat(100), 20);
        assert!(s.ends_with("word…"), "{s}");
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Join Us!"), "join-us");
        assert_eq!(slugify("赞助 商"), "赞助-商");
    }
}

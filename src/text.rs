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

/// [`word_count`] and the CJK characters among those words, in one pass.
pub fn counts(text: &str) -> (usize, usize) {
    let (mut words, mut cjk, mut in_word) = (0, 0, false);
    for c in text.chars() {
        if c.is_ascii() {
            let alnum = c.is_ascii_alphanumeric();
            words += usize::from(alnum && !in_word);
            in_word = alnum;
        } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            // The common case of `is_cjk_letter`, tested first.
            words += 1;
            cjk += 1;
            in_word = false;
        } else if matches!(c as u32, 0x2000..=0x206F | 0x3000..=0x3004 | 0x3008..=0x3020 | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
        {
            // Common punctuation (general, CJK, full-width), none of it alphanumeric: spares
            // `is_alphanumeric`'s table lookup.
            in_word = false;
        } else if is_cjk_letter(c) {
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

/// Decodes bytes as UTF-8 text (BOM removed, CRLF turned into LF).
pub fn decode_utf8(path: &std::path::Path, bytes: &[u8]) -> Result<String, crate::diagnostic::Diagnostic> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
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

fn char_class(c: char) -> CharClass {
    let u = c as u32;
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
/// buffer.
pub fn each_token(text: &str, with_unigrams: bool, mut f: impl FnMut(&str)) {
    let mut lower = String::new();
    // `chars` is the run's length in characters, counted by the loop below.
    let mut flush = |run: &str, class: CharClass, chars: usize| match class {
        CharClass::Word if chars > 1 => {
            if run.is_ascii() {
                lower.clear();
                lower.push_str(run);
                lower.make_ascii_lowercase();
                f(&lower);
            } else {
                f(&run.to_lowercase());
            }
        }
        CharClass::Cjk => {
            if chars == 1 {
                f(run);
                return;
            }
            // Pairs (each character with the next), then the characters: no list of offsets.
            let mut prev: Option<usize> = None;
            for (i, c) in run.char_indices() {
                if let Some(p) = prev {
                    f(&run[p..i + c.len_utf8()]);
                }
                prev = Some(i);
            }
            if with_unigrams {
                for (i, c) in run.char_indices() {
                    f(&run[i..i + c.len_utf8()]);
                }
            }
        }
        _ => {}
    };
    let (mut class, mut start, mut chars) = (CharClass::Separator, 0, 0);
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        // ASCII (half of a typical page) is classified without decoding a char.
        let (k, len) = if b.is_ascii() {
            (if b.is_ascii_alphanumeric() { CharClass::Word } else { CharClass::Separator }, 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (char_class(c), c.len_utf8())
        };
        if k != class {
            flush(&text[start..i], class, chars);
            (class, start, chars) = (k, i, 0);
        }
        chars += 1;
        i += len;
    }
    flush(&text[start..], class, chars);
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

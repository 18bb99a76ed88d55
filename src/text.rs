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
    let mut words = 0;
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk_letter(c) {
            words += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                words += 1;
            }
            in_word = true;
        } else {
            in_word = false;
        }
    }
    words
}

/// Minutes to read `text`: 300 Chinese characters or 200 other words a minute, at least 1.
pub fn reading_minutes(text: &str) -> usize {
    let cjk = text.chars().filter(|c| is_cjk_letter(*c)).count();
    let other = word_count(text) - cjk;
    let minutes = cjk as f64 / 300.0 + other as f64 / 200.0;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_chinese_characters_as_words() {
        assert_eq!(word_count("外联部 sponsorship report"), 5);
        assert_eq!(word_count("你好，世界！"), 4);
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

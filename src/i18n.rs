//! The language liaison speaks to the person running it.
//!
//! Editors read messages in the site's language: `language` in `site.toml` chooses Chinese
//! (`zh-*`) or English, and `LIAISON_LANG` overrides it (for CI logs, or an English-speaking
//! helper on a Chinese site). Every message is written in both languages where it is made
//! ([`t!`](crate::t)), so a [`Text`] can be printed in either without a lookup table that could
//! drift from the code.

use std::path::Path;

/// A language liaison's own messages are available in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// `zh`, `zh-CN`, `zh_TW.UTF-8`, ... are Chinese; `en*` is English; anything else is not known.
    pub fn parse(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        if code.starts_with("zh") {
            Some(Lang::Zh)
        } else if code.starts_with("en") || code == "c" || code == "posix" {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language for a site in `root`: `LIAISON_LANG`, else `site.toml`'s `language` (read
    /// leniently, so a site.toml with errors still gets messages in its language), else the
    /// default language of a site (Chinese).
    pub fn for_site(root: &Path) -> Lang {
        if let Some(l) = from_env() {
            return l;
        }
        match std::fs::read(root.join("site.toml")) {
            Ok(bytes) => sniff_language(&String::from_utf8_lossy(&bytes)).and_then(Lang::parse).unwrap_or(Lang::Zh),
            Err(_) => Lang::for_shell(),
        }
    }

    /// The language outside any site (`liaison init`): `LIAISON_LANG`, else the shell's locale.
    pub fn for_shell() -> Lang {
        from_env()
            .or_else(|| {
                ["LC_ALL", "LC_MESSAGES", "LANG"]
                    .iter()
                    .filter_map(|v| std::env::var(v).ok())
                    .find(|v| !v.is_empty())
                    .and_then(|v| Lang::parse(&v))
            })
            .unwrap_or(Lang::En)
    }

    /// Picks the text of this language.
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

fn from_env() -> Option<Lang> {
    std::env::var("LIAISON_LANG").ok().and_then(|v| Lang::parse(&v))
}

/// The value of a top-level `language = "..."` line, without parsing the whole file.
fn sniff_language(text: &str) -> Option<&str> {
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            return None;
        }
        if let Some(rest) = line.strip_prefix("language")
            && let Some(value) = rest.trim_start().strip_prefix('=')
        {
            return value.trim().trim_matches(['"', '\'']).split(['"', '\'']).next();
        }
    }
    None
}

/// A message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Text {
    pub en: String,
    pub zh: String,
}

impl Text {
    /// The message in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.en, &self.zh)
    }

    /// The same words in both languages (a file name, a value quoted from the site).
    pub fn same(s: impl Into<String>) -> Text {
        let s = s.into();
        Text { en: s.clone(), zh: s }
    }
}

/// Makes a [`Text`] from an English and a Chinese format string with the same arguments:
/// `t!("unknown tier `{id}`", "未知的赞助级别 `{id}`", id = p.tier)`.
#[macro_export]
macro_rules! t {
    ($en:literal, $zh:literal $(,)?) => {
        $crate::i18n::Text { en: format!($en), zh: format!($zh) }
    };
    ($en:literal, $zh:literal, $($arg:tt)+) => {
        $crate::i18n::Text { en: format!($en, $($arg)+), zh: format!($zh, $($arg)+) }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_language_codes() {
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("zh_TW.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }

    #[test]
    fn sniffs_language_from_a_broken_site_toml() {
        let text = "title = \"外联部\nlanguage = \"en\"\n[extra]\nlanguage = \"zh\"\n";
        assert_eq!(sniff_language(text), Some("en"));
        assert_eq!(sniff_language("[atom]\nlanguage = \"en\"\n"), None);
    }

    #[test]
    fn text_macro_formats_both_languages() {
        let id = "gold";
        let t = t!("unknown tier `{id}`", "未知的赞助级别 `{id}`");
        assert_eq!(t.get(Lang::En), "unknown tier `gold`");
        assert_eq!(t.get(Lang::Zh), "未知的赞助级别 `gold`");
    }
}

//! Errors an editor can act on.
//!
//! Every problem liaison finds in a site is a [`Diagnostic`]: what is wrong, where (file, line,
//! column when known), and a hint with the fix. Stages collect diagnostics instead of stopping at
//! the first one, so a build reports every problem at once. Printing shows the offending source
//! line with a caret under the culprit (annotate-snippets lines carets up under Chinese text).

use std::fmt;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::codes::Code;
use crate::i18n::{Lang, Text};

/// A position in a source file: 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// One problem found in the site, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The class of problem, with its stable code (`E040`); warnings have `W` codes.
    pub code: Code,
    /// The file, relative to the site root when it is inside it.
    pub path: PathBuf,
    pub pos: Option<Pos>,
    /// Length of the culprit in characters (for the caret), when known.
    pub len: usize,
    /// What is wrong, in both languages (printed in the site's).
    pub message: Text,
    /// How to fix it.
    pub hint: Option<Text>,
    /// The offending source line, to show under the message.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn new(path: impl Into<PathBuf>, code: Code, message: Text) -> Self {
        Diagnostic { code, path: path.into(), pos: None, len: 1, message, hint: None, source_line: None }
    }

    /// A warning (`liaison check` reports it; it does not fail a build) rather than an error.
    pub fn is_warning(&self) -> bool {
        self.code.is_warning()
    }

    pub fn at(mut self, line: usize, col: usize) -> Self {
        self.pos = Some(Pos { line, col });
        self
    }

    pub fn hint(mut self, hint: Text) -> Self {
        self.hint = Some(hint);
        self
    }

    /// Points the diagnostic at `line:col` of `source` (the whole file text), remembering the
    /// line's text and underlining `len` characters.
    pub fn in_source(mut self, source: &str, line: usize, col: usize, len: usize) -> Self {
        self.pos = Some(Pos { line, col });
        self.len = len.max(1);
        self.source_line = source.lines().nth(line.saturating_sub(1)).map(|l| l.trim_end_matches('\r').to_string());
        self
    }

    /// Points at the byte offset `offset` of `text`, where `text` starts at line `first_line`
    /// of the file `source`.
    pub fn at_offset(self, source: &str, text: &str, first_line: usize, offset: usize, len_bytes: usize) -> Self {
        let (line, col) = line_col(text, offset);
        let end = (offset + len_bytes).min(text.len());
        let len =
            text.get(offset.min(end)..end).map(|s| s.split('\n').next().unwrap_or("").chars().count()).unwrap_or(1);
        self.in_source(source, first_line + line - 1, col, len)
    }

    /// The location as `path:line:col` (or just the path).
    pub fn location(&self) -> String {
        match self.pos {
            Some(p) => format!("{}:{}:{}", self.path.display(), p.line, p.col),
            None => self.path.display().to_string(),
        }
    }

    /// Renders the diagnostic for a terminal in `lang`, with its code, the source line and a
    /// caret when known: `error[E040]: ...` / `错误[E040]：...`.
    pub fn render(&self, lang: Lang) -> String {
        let path = self.path.display().to_string();
        let level = match (self.is_warning(), lang) {
            (false, Lang::En) => Level::ERROR,
            (false, Lang::Zh) => Level::ERROR.with_name("错误"),
            (true, Lang::En) => Level::WARNING,
            (true, Lang::Zh) => Level::WARNING.with_name("警告"),
        };
        let help = match lang {
            Lang::En => Level::HELP,
            Lang::Zh => Level::HELP.with_name("提示"),
        };
        let title = level.primary_title(self.message.get(lang)).id(self.code.id());
        let mut groups = Vec::new();
        match (&self.pos, &self.source_line) {
            (Some(pos), Some(line)) => {
                let start = byte_of_char(line, pos.col.saturating_sub(1));
                let end = byte_of_char(line, pos.col.saturating_sub(1) + self.len).max(start);
                let end = if start == end { (start + 1).min(line.len().max(start)) } else { end };
                groups.push(
                    title.element(
                        Snippet::source(line.as_str())
                            .line_start(pos.line)
                            .path(path.as_str())
                            .annotation(AnnotationKind::Primary.span(start..end)),
                    ),
                );
            }
            (None, _) if path.is_empty() => groups.push(Group::with_title(title)),
            (pos, _) => {
                let mut origin = annotate_snippets::Origin::path(path.as_str());
                if let Some(pos) = pos {
                    origin = origin.line(pos.line).char_column(pos.col);
                }
                groups.push(title.element(origin));
            }
        }
        if let Some(hint) = &self.hint {
            groups.push(Group::with_title(help.secondary_title(hint.get(lang))));
        }
        Renderer::plain().render(&groups)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} {}", self.location(), self.code.id(), self.message.en)?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {})", h.en)?;
        }
        Ok(())
    }
}

/// All the problems of one run. A stage returns `Err(Diagnostics)` when it found any.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Sorts by file and position so output is the same on every run, whatever the thread order.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| (&a.path, a.pos, &a.message).cmp(&(&b.path, b.pos, &b.message)));
        self.0.dedup();
        self
    }
    /// `Ok(value)` when no problem was found, else all of them.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.is_empty() { Ok(value) } else { Err(self) }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// 1-based line and character column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn byte_of_char(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map(|(i, _)| i).unwrap_or(s.len())
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// `path` relative to `root` when inside it, for messages.
pub fn rel(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chinese_characters() {
        let text = "a = 1\n标题 = 2\n";
        let off = text.find('=').unwrap();
        assert_eq!(line_col(text, off), (1, 3));
        let off = text.rfind('=').unwrap();
        assert_eq!(line_col(text, off), (2, 4));
    }

    #[test]
    fn suggests_close_field() {
        assert_eq!(did_you_mean("loaction", ["location", "title", "date"]), Some("location"));
        assert_eq!(did_you_mean("zzz", ["location", "title"]), None);
    }

    #[test]
    fn renders_caret_under_culprit() {
        let src = "+++\nloaction = \"体育馆\"\n+++\n";
        let d = Diagnostic::new(
            "content/a.md",
            Code::UnknownField,
            crate::t!("unknown field `loaction`", "未知字段 `loaction`"),
        )
        .in_source(src, 2, 1, 8)
        .hint(crate::t!("did you mean `location`?", "是不是想写 `location`？"));
        let out = d.render(Lang::En);
        assert!(out.starts_with("error[E004]: unknown field `loaction`"), "{out}");
        assert!(out.contains("content/a.md:2:1"), "{out}");
        assert!(out.contains("^^^^^^^^"), "{out}");
        assert!(out.contains("help: did you mean `location`?"), "{out}");
        let out = d.render(Lang::Zh);
        assert!(out.starts_with("错误[E004]: 未知字段 `loaction`"), "{out}");
        assert!(out.contains("提示: 是不是想写 `location`？"), "{out}");
    }
}

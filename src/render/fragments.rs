//! `fragment(macro, args...)`: a macro call whose text is made once and reused.
//!
//! List pages show the same rows again and again: an activity's row is on its section's page,
//! on each of its tags' pages and on its year's page, and a watch rebuild renders a tag page with
//! 1,200 rows again when one of them changed. A theme that writes
//! `{{ fragment(m.row, item, true) }}` instead of `{{ m.row(item, true) }}` gets the same text,
//! made once per build for each distinct call (macro name and parameters, arguments by value,
//! items and sections by identity) and, in watch mode, kept to the next rebuild while nothing
//! the call read changed (its reads are recorded like a page's, and noted in the page that uses
//! it, so pages depend on exactly what they did before).
//!
//! The contract, as for Hugo's `partialCached`: the macro's text follows from its arguments
//! (and what can be reached from them, `site` and the theme's strings). A macro that reads a
//! page's own variables (`page`, `current_path`, a `set` outside it) must not be called through
//! `fragment`. The default theme's rows keep to it; the byte-identity tests hold it to that.

use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use minijinja::value::{Kwargs, Rest, ValueOrKwargs};
use minijinja::{Error, ErrorKind, State, Value};

use super::memo::{Read, Versions, shape_hash_with};
use super::tracked;
use crate::fxhash::{FxHashMap, FxHasher};

/// A fragment made in this render: its text and what it read (item and section indices of
/// this build).
#[derive(Debug)]
struct Made {
    /// The text as a safe string value: reused by reference, not copied.
    text: Value,
    reads: Vec<Read>,
    /// Taken from the renders before (and still there): nothing to keep again.
    kept: bool,
}

/// A fragment as a watch session keeps it between renders: its text, what it read (session-wide
/// ids) and the hash of those reads' versions when it was made.
#[derive(Debug, Clone)]
pub struct Kept {
    text: Value,
    reads: Arc<[Read]>,
    seen: u64,
}

/// Session-wide id -> index in this build (ids are dense: a vector, not a map of 10,000).
#[derive(Default)]
struct At(Vec<u32>);

impl At {
    fn new(ids: &[u32]) -> At {
        let mut at = vec![u32::MAX; ids.iter().max().map_or(0, |&m| m as usize + 1)];
        for (n, &id) in ids.iter().enumerate() {
            at[id as usize] = n as u32;
        }
        At(at)
    }

    fn get(&self, id: u32) -> Option<u32> {
        self.0.get(id as usize).copied().filter(|&n| n != u32::MAX)
    }
}

/// The fragments of one render, and in watch mode those of the renders before.
pub struct Fragments {
    /// Item identity in keys: session-wide ids in watch mode, indices otherwise.
    ids: Arc<[u32]>,
    now: Mutex<FxHashMap<u64, Arc<Made>>>,
    before: FxHashMap<u64, Kept>,
    versions: Option<Arc<Versions>>,
    /// Session-wide id -> index in this build, for items and sections (watch mode).
    items_at: At,
    sections_at: At,
}

impl Fragments {
    /// A one-off build's fragments (`items` items).
    pub fn new(items: usize) -> Fragments {
        Fragments {
            ids: (0..items as u32).collect(),
            now: Mutex::default(),
            before: FxHashMap::default(),
            versions: None,
            items_at: At::default(),
            sections_at: At::default(),
        }
    }

    /// A watch rebuild's fragments: `before` are the fragments of the renders before, reused
    /// when `versions` say nothing they read changed.
    pub fn watching(versions: Arc<Versions>, before: FxHashMap<u64, Kept>) -> Fragments {
        Fragments {
            ids: versions.item_ids.as_slice().into(),
            // Sized for the fragments of the last render (most are used again): no rehashing
            // while a list of thousands of rows fills it.
            now: Mutex::new(FxHashMap::with_capacity_and_hasher(before.len(), Default::default())),
            items_at: At::new(&versions.item_ids),
            sections_at: At::new(&versions.section_ids),
            before,
            versions: Some(versions),
        }
    }

    /// What a watch session keeps for the next render: this render's fragments and those of
    /// the renders before it did not use (still checked against versions when used), unless
    /// they have grown far beyond this render's. Also hands back this render's fragments as
    /// they were, for the caller to free where it costs no one time.
    pub fn keep(self) -> (FxHashMap<u64, Kept>, impl Send) {
        let now = self.now.into_inner().unwrap_or_else(|e| e.into_inner());
        let Some(versions) = self.versions else { return (FxHashMap::default(), now) };
        let mut kept = self.before;
        if kept.len() > 4 * (now.len() + 1_000) {
            kept.retain(|key, _| now.get(key).is_some_and(|m| m.kept));
        }
        for (&key, made) in now.iter().filter(|(_, m)| !m.kept) {
            let reads = versions.stable(&made.reads);
            if let Some(seen) = versions.seen(key, &reads) {
                kept.insert(key, Kept { text: made.text.clone(), reads, seen });
            }
        }
        (kept, now)
    }

    /// Fragments made in this render, for tests and timings.
    pub fn made(&self) -> usize {
        self.now.lock().map(|m| m.len()).unwrap_or_default()
    }

    /// `fragment(macro, args...)`, or `fragment("template.html", name=value, ...)`.
    pub fn call(&self, state: &mut State, callee: &Value, args: &[Value]) -> Result<Value, Error> {
        if let Some(name) = callee.as_str() {
            return self.template(state, name, args);
        }
        let key = self.key(callee, args)?;
        self.text(state, key, |state| callee.call(state, args))
    }

    /// `fragment("partials/footer.html", site=site)`: the template rendered with the keyword
    /// arguments as its variables, once per build for each name and arguments.
    fn template(&self, state: &mut State, name: &str, args: &[Value]) -> Result<Value, Error> {
        let vars = match args {
            [] => None,
            [kwargs] if kwargs.is_kwargs() => Some(kwargs),
            _ => {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    "fragment() takes a macro first (as in fragment(m.row, item)), or a template's name \
                     and then its variables by name (as in fragment(\"partials/footer.html\", site=site)); \
                     got a string and arguments without names",
                ));
            }
        };
        let mut h = FxHasher::default();
        (0xf7u8, name).hash(&mut h);
        if let Some(vars) = vars {
            self.hash_arg(vars, &mut h);
        }
        self.text(state, h.finish(), |state| {
            let mut context = std::collections::BTreeMap::new();
            if let Some(kwargs) = vars.map(|v| Kwargs::try_from(v.clone())).transpose()? {
                for k in kwargs.args() {
                    context.insert(k.to_string(), kwargs.get::<Value>(k)?);
                }
            }
            state.env().get_template(name)?.render(context).map(Value::from_safe_string)
        })
    }

    /// `fragment_each(macro, items, args..., before="")`: for each item, `before` and the text
    /// of `fragment(macro, item, args...)` (the same fragments: a row made for a tag page is
    /// reused by the year page), without a template loop step and call per row.
    pub fn call_each(
        &self,
        state: &mut State,
        callee: &Value,
        items: &Value,
        rest: &[Value],
        before: &str,
    ) -> Result<Value, Error> {
        if items.is_undefined() || items.is_none() {
            return Ok(Value::from_safe_string(String::new()));
        }
        let list = items.try_iter().map_err(|_| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "fragment_each() takes a list after the macro (as in fragment_each(m.row, items)), got {}",
                    items.kind()
                ),
            )
        })?;
        // The key of each call is the one `fragment(macro, item, rest...)` computes: the
        // macro's part is hashed once and carried on per item.
        let head = self.callee_hasher(callee, rest.len() + 1, "fragment_each(m.row, items)")?;
        let mut args = Vec::with_capacity(rest.len() + 1);
        args.push(Value::UNDEFINED);
        args.extend_from_slice(rest);
        let mut texts = Vec::with_capacity(list.size_hint().0);
        for item in list {
            let mut h = head.clone();
            for a in std::iter::once(&item).chain(rest) {
                self.hash_arg(a, &mut h);
            }
            args[0] = item;
            texts.push(self.text(state, h.finish(), |state| callee.call(state, &args))?);
        }
        // Joined into one allocation of the right size (a list of 3,000 rows grew its string a
        // dozen times, copying it each time).
        let texts: Vec<&str> = texts.iter().map(|t| t.as_str().unwrap_or_default()).collect();
        let mut out = String::with_capacity(texts.iter().map(|t| before.len() + t.len()).sum());
        for text in texts {
            out.push_str(before);
            out.push_str(text);
        }
        Ok(Value::from_safe_string(out))
    }

    /// The text of the call `key` names: made in this render, kept from an earlier one, or made
    /// now by `make`.
    fn text(
        &self,
        state: &mut State,
        key: u64,
        make: impl FnOnce(&mut State) -> Result<Value, Error>,
    ) -> Result<Value, Error> {
        let made = self.now.lock().ok().and_then(|m| m.get(&key).cloned());
        if let Some(made) = made {
            tracked::note_all(&made.reads);
            return Ok(made.text.clone());
        }
        if let Some(made) = self.still_valid(key) {
            tracked::note_all(&made.reads);
            let text = made.text.clone();
            if let Ok(mut now) = self.now.lock() {
                now.insert(key, Arc::new(made));
            }
            return Ok(text);
        }
        let mark = tracked::mark();
        let out = make(state)?;
        let mut reads = tracked::since(mark);
        reads.sort_unstable();
        reads.dedup();
        let text = Value::from_safe_string(match out.as_str() {
            Some(s) => s.to_string(),
            None => out.to_string(),
        });
        if let Ok(mut now) = self.now.lock() {
            now.insert(key, Arc::new(Made { text: text.clone(), reads, kept: false }));
        }
        Ok(text)
    }

    /// A fragment of an earlier render whose reads all have the versions they had, with its
    /// reads in this build's indices.
    fn still_valid(&self, key: u64) -> Option<Made> {
        let kept = self.before.get(&key)?;
        let versions = self.versions.as_ref()?;
        if versions.seen(key, &kept.reads)? != kept.seen {
            return None;
        }
        let reads = kept
            .reads
            .iter()
            .map(|r| {
                Some(match *r {
                    Read::Item(id) => Read::Item(self.items_at.get(id)?),
                    Read::ItemAround(id) => Read::ItemAround(self.items_at.get(id)?),
                    Read::Section(id) => Read::Section(self.sections_at.get(id)?),
                    Read::SectionItems(id) => Read::SectionItems(self.sections_at.get(id)?),
                    site => site,
                })
            })
            .collect::<Option<Vec<Read>>>()?;
        Some(Made { text: kept.text.clone(), reads, kept: true })
    }

    /// The call's identity: the macro's name and parameters, the arguments' values (items and
    /// sections by identity).
    fn key(&self, callee: &Value, args: &[Value]) -> Result<u64, Error> {
        let mut h = self.callee_hasher(callee, args.len(), "fragment(m.row, item)")?;
        for a in args {
            self.hash_arg(a, &mut h);
        }
        Ok(h.finish())
    }

    /// The start of a call's key: the macro's name and parameters and the number of arguments.
    /// `example` is the call as the error for a callee that is not a macro shows it.
    fn callee_hasher(&self, callee: &Value, args: usize, example: &str) -> Result<FxHasher, Error> {
        let name = callee.get_attr("name").ok().filter(|n| n.as_str().is_some()).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "{}() takes a macro first (as in {example}), got {}",
                    example.split('(').next().unwrap_or_default(),
                    callee.kind()
                ),
            )
        })?;
        let mut h = FxHasher::default();
        name.as_str().hash(&mut h);
        if let Ok(params) = callee.get_attr("arguments").and_then(|a| a.try_iter()) {
            for p in params {
                p.as_str().hash(&mut h);
            }
        }
        args.hash(&mut h);
        Ok(h)
    }

    /// Adds an argument to a call's key (items and sections by identity).
    fn hash_arg(&self, arg: &Value, h: &mut FxHasher) {
        shape_hash_with(arg, &self.ids, self.versions.as_ref().map(|v| v.section_ids.as_slice()), h);
    }
}

/// Registers `fragment` and `fragment_each` in `env`.
pub fn register(env: &mut minijinja::Environment<'_>, fragments: Arc<Fragments>) {
    let each = fragments.clone();
    env.add_function("fragment", move |state: &mut State, callee: Value, args: Rest<ValueOrKwargs>| {
        let args = args.0.into_iter().map(ValueOrKwargs::into_value).collect::<Vec<Value>>();
        fragments.call(state, &callee, &args)
    });
    env.add_function(
        "fragment_each",
        move |state: &mut State, callee: Value, items: Value, args: Rest<ValueOrKwargs>| -> Result<Value, Error> {
            let args = args.0.into_iter().map(ValueOrKwargs::into_value).collect::<Vec<Value>>();
            let (rest, before) = match args.split_last() {
                Some((last, rest)) if last.is_kwargs() => {
                    let kwargs = Kwargs::try_from(last.clone())?;
                    if let Some(other) = kwargs.args().find(|k| *k != "before") {
                        return Err(Error::new(
                            ErrorKind::InvalidOperation,
                            format!("fragment_each() knows one keyword argument, `before` (text put before each row), not `{other}`"),
                        ));
                    }
                    let before: Option<String> = kwargs.get("before")?;
                    (rest, before.unwrap_or_default())
                }
                _ => (&args[..], String::new()),
            };
            each.call_each(state, &callee, &items, rest, &before)
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::Environment;

    fn render(source: &str, items: Value) -> String {
        let mut env = Environment::new();
        let fragments = Arc::new(Fragments::new(0));
        register(&mut env, fragments.clone());
        env.add_template("t.html", source).unwrap();
        env.get_template("t.html").unwrap().render(minijinja::context! { items => items }).unwrap()
    }

    const ROW: &str = "{% macro row(i, mark) %}<li>{{ i.name }}{{ mark }}</li>{% endmacro %}";

    #[test]
    fn fragment_each_writes_what_a_loop_of_fragment_calls_writes() {
        let items = super::super::views::ser(vec![
            std::collections::BTreeMap::from([("name", "a&b")]),
            std::collections::BTreeMap::from([("name", "c")]),
            std::collections::BTreeMap::from([("name", "a&b")]),
        ]);
        let looped = render(
            &format!("{ROW}<ul>{{%- for i in items %}}\n  {{{{ fragment(row, i, '!') }}}}{{%- endfor %}}</ul>"),
            items.clone(),
        );
        let each = render(&format!("{ROW}<ul>{{{{- fragment_each(row, items, '!', before='\\n  ') }}}}</ul>"), items);
        assert_eq!(each, looped);
        assert_eq!(each, "<ul>\n  <li>a&amp;b!</li>\n  <li>c!</li>\n  <li>a&amp;b!</li></ul>");
    }

    #[test]
    fn fragment_each_and_fragment_share_their_fragments() {
        // The same call made both ways is one fragment (made once).
        let mut env = Environment::new();
        let fragments = Arc::new(Fragments::new(0));
        register(&mut env, fragments.clone());
        let source = format!("{ROW}{{{{ fragment_each(row, items, 1) }}}}{{{{ fragment(row, items[0], 1) }}}}");
        env.add_template("t.html", &source).unwrap();
        let items = super::super::views::ser(vec![std::collections::BTreeMap::from([("name", "x")])]);
        let out = env.get_template("t.html").unwrap().render(minijinja::context! { items => items }).unwrap();
        assert_eq!(out, "<li>x1</li><li>x1</li>");
        assert_eq!(fragments.made(), 1);
    }

    #[test]
    fn fragment_each_of_nothing_is_empty() {
        assert_eq!(render(&format!("{ROW}[{{{{ fragment_each(row, missing) }}}}]"), Value::UNDEFINED), "[]");
    }

    #[test]
    fn a_template_fragment_is_rendered_once_with_its_keyword_arguments() {
        let mut env = Environment::new();
        let fragments = Arc::new(Fragments::new(0));
        register(&mut env, fragments.clone());
        env.add_template("part.html", "<p>{{ who }} & {{ n }}</p>").unwrap();
        env.add_template("t.html", "{{ fragment('part.html', who='a&b', n=1) }}{{ fragment('part.html', who='a&b', n=1) }}{{ fragment('part.html', who='c', n=2) }}").unwrap();
        let out = env.get_template("t.html").unwrap().render(()).unwrap();
        assert_eq!(out, "<p>a&amp;b & 1</p><p>a&amp;b & 1</p><p>c & 2</p>");
        assert_eq!(fragments.made(), 2);
    }

    #[test]
    fn a_template_fragment_takes_its_variables_by_name() {
        let mut env = Environment::new();
        register(&mut env, Arc::new(Fragments::new(0)));
        env.add_template("part.html", "{{ who }}").unwrap();
        env.add_template("t.html", "{{ fragment('part.html', 'a') }}").unwrap();
        let err = env.get_template("t.html").unwrap().render(()).unwrap_err();
        assert!(err.to_string().contains("got a string and arguments without names"), "{err}");
    }
}

//! An item's template value: its fields and its kind's, found by binary search.
//!
//! They were one map made by serde's `flatten`, keyed by `Value`s: every attribute lookup built
//! a `Value` and compared `Value`s (4% of a build's instructions). Same fields, same values,
//! enumerated in the same order (by name, as a map's keys were). Names are packed into integers
//! ([`Name`], sorted by length first) and shared by the items of a kind ([`Layouts`]): a lookup
//! compares integers in memory every item's lookups keep warm and reads one value of the item's
//! own, where a name on the heap per field and item cost a `memcmp` on a cold line per step (at
//! 10,000 pages 300,000 names; lookups were 9% of a build's samples).

use std::sync::{Arc, OnceLock};

use minijinja::Value;
use minijinja::value::{Enumerator, Object};

#[derive(Debug)]
pub struct Fields {
    /// The packed names, sorted; the same `Arc` for all items of a kind.
    names: Arc<[Name]>,
    /// The values, in the order of `names`.
    values: Vec<Value>,
    /// Names too long to pack (none of today's fields), searched one by one.
    long: Vec<(Box<str>, Value)>,
}

/// How the fields of each kind's items are laid out (one per render): the names in the order
/// serde hands them over, the sorted names, and where each field lands among them. The items
/// of a kind are serialized alike, so the first item's sort serves them all (sorting 30 fields
/// per item was 0.4% of a build's instructions).
#[derive(Default)]
pub struct Layouts([OnceLock<Layout>; 4]);

struct Layout {
    /// The names as serialized (serde's own `&'static str`s, compared by address first).
    raw: Vec<&'static str>,
    names: Arc<[Name]>,
    /// For each serialized field, its place in `names`, or `None` when a later field of the
    /// same name replaced it.
    at: Vec<Option<u32>>,
}

/// A field name of up to 24 bytes as four words: its length, then its bytes big-endian and
/// zero-padded, so comparing two names as integers orders them by length, then by bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Name([u64; 4]);

impl Name {
    const MAX: usize = 24;

    fn of(name: &str) -> Option<Name> {
        let b = name.as_bytes();
        if b.len() > Name::MAX {
            return None;
        }
        let mut words = [b.len() as u64, 0, 0, 0];
        for (w, chunk) in words[1..].iter_mut().zip(b.chunks(8)) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            *w = u64::from_be_bytes(buf);
        }
        Some(Name(words))
    }

    fn text(&self) -> String {
        let bytes: Vec<u8> = self.0[1..].iter().flat_map(|w| w.to_be_bytes()).take(self.0[0] as usize).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Fields {
    /// The value of an item of kind `kind` (0..4) from its fields as serialized; a name given
    /// twice keeps the later value, as the flattened map did.
    pub fn of(fields: Vec<(&'static str, Value)>, kind: usize, layouts: &Layouts) -> Value {
        if let Some(layout) = layouts.0[kind].get()
            && layout.raw.len() == fields.len()
            && layout.raw.iter().zip(&fields).all(|(a, (b, _))| std::ptr::eq(*a, *b) || a == b)
        {
            let mut values = vec![Value::UNDEFINED; layout.names.len()];
            for ((_, value), at) in fields.into_iter().zip(&layout.at) {
                if let Some(at) = at {
                    values[*at as usize] = value;
                }
            }
            return Value::from_object(Fields { names: layout.names.clone(), values, long: Vec::new() });
        }
        let raw: Vec<&'static str> = fields.iter().map(|(name, _)| *name).collect();
        let mut packed: Vec<(Name, usize, Value)> = Vec::with_capacity(fields.len());
        let mut long: Vec<(Box<str>, Value)> = Vec::new();
        for (n, (name, value)) in fields.into_iter().enumerate() {
            match Name::of(name) {
                Some(name) => packed.push((name, n, value)),
                None => long.push((Box::from(name), value)),
            }
        }
        // Stable sorts of the reversed lists: the later of two equal names comes first.
        packed.reverse();
        packed.sort_by_key(|a| a.0);
        packed.dedup_by_key(|a| a.0);
        long.reverse();
        long.sort_by(|a, b| a.0.cmp(&b.0));
        long.dedup_by(|a, b| a.0 == b.0);
        let mut at = vec![None; raw.len()];
        for (place, (_, n, _)) in packed.iter().enumerate() {
            at[*n] = Some(place as u32);
        }
        let (names, values): (Vec<Name>, Vec<Value>) = packed.into_iter().map(|(name, _, value)| (name, value)).unzip();
        let names: Arc<[Name]> = names.into();
        let layout = match long.is_empty() {
            true => Some(layouts.0[kind].get_or_init(|| Layout { raw, names: names.clone(), at })),
            false => layouts.0[kind].get(),
        };
        let names = match layout {
            Some(layout) if layout.names == names => layout.names.clone(),
            _ => names,
        };
        Value::from_object(Fields { names, values, long })
    }
}

impl Object for Fields {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        match Name::of(key) {
            Some(name) => {
                let i = self.names.binary_search(&name).ok()?;
                self.values.get(i).cloned()
            }
            None => self.long.iter().find(|(n, _)| &**n == key).map(|(_, value)| value.clone()),
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let mut names: Vec<String> = self.names.iter().map(Name::text).collect();
        names.extend(self.long.iter().map(|(name, _)| name.to_string()));
        names.sort_unstable();
        Enumerator::Values(names.into_iter().map(Value::from).collect())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.values.len() + self.long.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_names_order_by_length_then_bytes_and_unpack_to_themselves() {
        let names = ["id", "url", "date", "tags", "title", "json_ld", "academic_year", "a_name_of_24_bytes_long_"];
        let mut by_text: Vec<&str> = names.to_vec();
        by_text.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        let mut by_name: Vec<Name> = names.iter().filter_map(|n| Name::of(n)).collect();
        by_name.sort();
        let texts: Vec<String> = by_name.iter().map(Name::text).collect();
        assert_eq!(texts, by_text);
        assert_eq!(Name::of("a name of twenty-five byte"), None);
        assert_ne!(Name::of("ab"), Name::of("ab\0"));
    }

    #[test]
    fn fields_find_packed_and_long_names() {
        let fields = vec![
            ("url", Value::from("/u/")),
            ("title", Value::from("t")),
            ("a_field_name_longer_than_24_bytes", Value::from(1)),
        ];
        let fields = Fields::of(fields, 0, &Layouts::default());
        assert_eq!(fields.get_attr("title").ok(), Some(Value::from("t")));
        assert_eq!(fields.get_attr("url").ok(), Some(Value::from("/u/")));
        assert_eq!(fields.get_attr("a_field_name_longer_than_24_bytes").ok(), Some(Value::from(1)));
        assert!(fields.get_attr("titles").unwrap().is_undefined());
        assert_eq!(fields.len(), Some(3));
    }

    /// The second item of a kind is laid out from the first's sort: same names, same values,
    /// a name given twice keeps its later value, and an item serialized otherwise is sorted
    /// on its own.
    #[test]
    fn items_laid_out_from_the_first_one_of_their_kind_equal_items_sorted_on_their_own() {
        let layouts = Layouts::default();
        let item =
            |t: &str| vec![("url", Value::from(t)), ("id", Value::from(1)), ("url", Value::from(format!("{t}!")))];
        let first = Fields::of(item("a"), 0, &layouts);
        let second = Fields::of(item("b"), 0, &layouts);
        let alone = Fields::of(item("b"), 1, &Layouts::default());
        for v in [&first, &second, &alone] {
            assert_eq!(v.try_iter().unwrap().collect::<Vec<_>>(), [Value::from("id"), Value::from("url")]);
        }
        assert_eq!(second.get_attr("url").ok(), Some(Value::from("b!")));
        assert_eq!(second.get_attr("id").ok(), Some(Value::from(1)));
        assert_eq!(format!("{second:?}"), format!("{alone:?}"));
        let first = first.downcast_object_ref::<Fields>().unwrap();
        let second = second.downcast_object_ref::<Fields>().unwrap();
        assert!(Arc::ptr_eq(&first.names, &second.names), "one names list per kind");
        // Fewer fields than the layout: sorted on its own.
        let short = Fields::of(vec![("url", Value::from("c"))], 0, &layouts);
        assert_eq!(short.get_attr("url").ok(), Some(Value::from("c")));
        assert!(short.get_attr("id").unwrap().is_undefined());
    }
}

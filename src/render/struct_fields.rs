//! A struct's fields as `(name, template value)` pairs, straight from its `Serialize` impl.
//!
//! Item views are serializable structs (their shape is the documented template API). Turning
//! one into a minijinja map and then reading every field back by name compared names for each
//! field, at 10,000 items a few percent of a build; this serializer hands the fields over as
//! they are serialized, each value made by minijinja's own serializer.

use minijinja::Value;
use serde::Serialize;
use serde::ser::{self, Impossible};

/// `value`'s fields in serialization order, when it serializes as a struct (a struct or a
/// struct variant of an untagged enum); `None` for anything else.
pub fn struct_fields<T: Serialize>(value: &T) -> Option<Vec<(&'static str, Value)>> {
    value.serialize(Fields).ok()
}

/// Why a value could not be taken apart: it is not a struct.
#[derive(Debug)]
pub struct NotAStruct;

impl std::fmt::Display for NotAStruct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a struct")
    }
}

impl std::error::Error for NotAStruct {}

impl ser::Error for NotAStruct {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        NotAStruct
    }
}

struct Fields;

/// The fields of a struct being serialized.
pub struct Collected(Vec<(&'static str, Value)>);

impl ser::SerializeStruct for Collected {
    type Ok = Vec<(&'static str, Value)>;
    type Error = NotAStruct;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), NotAStruct> {
        self.0.push((key, Value::from(minijinja::value::Serde(value))));
        Ok(())
    }

    fn end(self) -> Result<Self::Ok, NotAStruct> {
        Ok(self.0)
    }
}

type Fail = Impossible<Vec<(&'static str, Value)>, NotAStruct>;

/// Serializer methods that refuse what is not a struct.
macro_rules! refuse {
    ($($name:ident($($arg:ty),*);)*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<Self::Ok, NotAStruct> {
            Err(NotAStruct)
        })*
    };
}

impl ser::Serializer for Fields {
    type Ok = Vec<(&'static str, Value)>;
    type Error = NotAStruct;
    type SerializeSeq = Fail;
    type SerializeTuple = Fail;
    type SerializeTupleStruct = Fail;
    type SerializeTupleVariant = Fail;
    type SerializeMap = Fail;
    type SerializeStruct = Collected;
    type SerializeStructVariant = Fail;

    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Collected, NotAStruct> {
        Ok(Collected(Vec::with_capacity(len)))
    }

    refuse! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<Self::Ok, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, _: &T) -> Result<Self::Ok, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Fail, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_tuple(self, _: usize) -> Result<Fail, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Fail, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Fail, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Fail, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Fail, NotAStruct> {
        Err(NotAStruct)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row<'a> {
        title: &'a str,
        count: u32,
        tags: Vec<&'a str>,
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    enum Either {
        A { x: i64 },
    }

    #[test]
    fn fields_come_in_order_with_the_values_minijinja_would_make() {
        let row = Row { title: "迎新", count: 3, tags: vec!["a", "b"] };
        let fields = struct_fields(&row).unwrap_or_default();
        let names: Vec<&str> = fields.iter().map(|f| f.0).collect();
        assert_eq!(names, ["title", "count", "tags"]);
        let whole = Value::from(minijinja::value::Serde(&row));
        for (name, value) in &fields {
            assert_eq!(Some(value.clone()), whole.get_attr(name).ok());
        }
        assert_eq!(struct_fields(&Either::A { x: -1 }).unwrap_or_default()[0].1, Value::from(-1));
    }

    #[test]
    fn anything_but_a_struct_is_refused() {
        assert!(struct_fields(&3).is_none());
        assert!(struct_fields(&vec![1]).is_none());
        assert!(struct_fields(&Some("a")).is_none());
    }
}

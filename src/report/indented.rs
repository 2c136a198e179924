//! serde_json's pretty printing, byte for byte, with each line's break and indentation
//! written in one piece: [`serde_json::ser::PrettyFormatter`] writes a line's indentation
//! two spaces at a time, a write for each level. A record file's findings sit five levels
//! deep, and those writes took a third of the instructions of serializing them.

use serde::Serialize;
use serde_json::ser::Formatter;
use std::io::{self, Write};

/// A comma, a line break and the indentation of the deepest level written in one piece;
/// deeper lines are indented a level at a time past it.
const BREAK: &[u8] = b",\n                                                                ";
/// The indentation of one level, as serde_json's pretty printer writes it.
const LEVEL: &[u8] = b"  ";

/// A formatter writing what [`serde_json::ser::PrettyFormatter`] writes (two spaces a level).
#[derive(Debug, Clone, Default)]
pub struct Indented {
    depth: usize,
    has_value: bool,
}

impl Indented {
    /// A formatter for a value that sits `depth` levels deep in a document: its lines after
    /// the first are indented to match.
    pub fn at_depth(depth: usize) -> Self {
        Indented {
            depth,
            has_value: false,
        }
    }

    /// A line break (after a comma where `comma`) and the indentation of the current level.
    fn new_line<W: ?Sized + Write>(&self, writer: &mut W, comma: bool) -> io::Result<()> {
        let start = usize::from(!comma);
        let width = LEVEL.len() * self.depth;
        match BREAK.get(start..2 + width) {
            Some(line) => writer.write_all(line),
            None => {
                writer.write_all(BREAK.get(start..2).unwrap_or_default())?;
                (0..self.depth).try_for_each(|_| writer.write_all(LEVEL))
            }
        }
    }

    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.has_value {
            self.new_line(writer, false)?;
        }
        writer.write_all(bracket)
    }

    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }
}

impl Formatter for Indented {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.new_line(writer, !first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.new_line(writer, !first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `value` as serde_json's pretty printer writes it `depth` levels deep in a document.
pub fn write_at_depth<W: Write + ?Sized, T: Serialize + ?Sized>(
    out: &mut W,
    value: &T,
    depth: usize,
) -> io::Result<()> {
    let formatter = Indented::at_depth(depth);
    value.serialize(&mut serde_json::Serializer::with_formatter(out, formatter))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    fn pretty(value: &Value) -> Vec<u8> {
        serde_json::to_vec_pretty(value).unwrap()
    }

    fn indented(value: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        write_at_depth(&mut out, value, 0).unwrap();
        out
    }

    /// Nested deeper than the one-piece indentation reaches, with empty arrays and objects.
    #[test]
    fn a_deep_document_is_written_as_serde_json_pretty_prints_it() {
        let mut deep = json!({"leaf": [1, {}, [], "x"]});
        for level in 0..40 {
            deep = json!({ "level": level, "inner": [deep, null], "empty": {} });
        }
        assert_eq!(
            String::from_utf8(indented(&deep)).unwrap(),
            String::from_utf8(pretty(&deep)).unwrap()
        );
    }

    fn values() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "[a-z\"\\\\\n ]{0,4}".prop_map(Value::from),
        ];
        leaf.prop_recursive(6, 48, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z]{1,3}", inner, 0..4)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Any document reads byte for byte as serde_json's pretty printer writes it.
        #[test]
        fn any_document_is_written_as_serde_json_pretty_prints_it(value in values()) {
            prop_assert_eq!(indented(&value), pretty(&value));
        }
    }
}

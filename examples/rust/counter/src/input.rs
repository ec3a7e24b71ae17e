//! Which key a call counts: the input's `"key"` field, read exactly as the
//! JavaScript and Python counters read it, so that the three answer alike
//! for any input (JSON.parse and Python's json accept numbers of any size
//! and lone surrogates in other fields; serde_json's `Value` would not).

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

pub const DEFAULT_KEY: &str = "count";

/// Deeper input is not a key request (and Python's recursive JSON parser
/// would run out of stack on it): the three counters give it "count".
const MAX_DEPTH: usize = 64;

/// ComponentizeJS's engine drops a leading U+FEFF from every string it gets
/// from the host; the Rust and Python counters do the same.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The non-empty string in the field "key" of a JSON object, else "count".
pub fn key_of(input: &str) -> String {
    let input = strip_bom(input);
    if too_deep(input) {
        return DEFAULT_KEY.to_owned();
    }
    let mut parser = serde_json::Deserializer::from_str(input);
    match parser.deserialize_map(KeyField).and_then(|key| parser.end().map(|()| key)) {
        Ok(Some(key)) if !key.is_empty() => key,
        _ => DEFAULT_KEY.to_owned(),
    }
}

/// Whether arrays and objects nest deeper than MAX_DEPTH (brackets inside
/// strings do not count).
fn too_deep(input: &str) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for byte in input.bytes() {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
        } else if byte == b'"' {
            in_string = true;
        } else if byte == b'[' || byte == b'{' {
            depth += 1;
            if depth > MAX_DEPTH {
                return true;
            }
        } else if byte == b']' || byte == b'}' {
            depth = depth.saturating_sub(1);
        }
    }
    false
}

/// An object's "key" field (the last one, as JSON.parse keeps it): Some when
/// it is a string. Other fields are skipped without building them.
struct KeyField;

impl<'de> Visitor<'de> for KeyField {
    type Value = Option<String>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut key = None;
        while let Some(is_key) = map.next_key_seed(FieldName)? {
            if is_key {
                key = map.next_value_seed(StringOrOther)?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(key)
    }
}

/// Whether a field's name is "key"; read as bytes, which serde_json allows
/// to hold lone surrogates (as JSON.parse does).
struct FieldName;

impl<'de> de::DeserializeSeed<'de> for FieldName {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_bytes(self)
    }
}

impl<'de> Visitor<'de> for FieldName {
    type Value = bool;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a field name")
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<bool, E> {
        Ok(name == b"key")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<bool, E> {
        Ok(name == "key")
    }
}

/// A field's value: Some(text) for a string, None for anything else (skipped).
struct StringOrOther;

impl<'de> de::DeserializeSeed<'de> for StringOrOther {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StringOrOther {
    type Value = Option<String>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Some(text.to_owned()))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

//! Whole numbers in request bodies as JSON Schema reads them: `5` and `5.0` are the same
//! integer, so a client (or a generator) that writes the second is not refused for what the
//! OpenAPI document admits. Fractions, and floats past 2^53 (where a float no longer names
//! one integer), are refused as before.

use serde::de::{Deserializer, Error, Unexpected, Visitor};
use serde::Deserialize;

/// Largest integer a float spells exactly.
const EXACT: f64 = 9_007_199_254_740_992.0;

struct Whole;

impl Visitor<'_> for Whole {
    type Value = i64;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a whole number")
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<i64, E> {
        if v.fract() == 0.0 && v.abs() <= EXACT {
            // Exact: |v| ≤ 2^53 and whole.
            Ok(v as i64)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }
}

/// A whole number, for use in `Vec`s and `Option`s.
struct WholeNumber(i64);

impl<'de> Deserialize<'de> for WholeNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Whole).map(WholeNumber)
    }
}

pub fn i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(Whole)
}

pub fn u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = d.deserialize_any(Whole)?;
    u32::try_from(v)
        .map_err(|_| D::Error::invalid_value(Unexpected::Signed(v), &"a whole number from 0"))
}

pub fn option_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(Option::<WholeNumber>::deserialize(d)?.map(|w| w.0))
}

pub fn vec_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    Ok(Vec::<WholeNumber>::deserialize(d)?
        .into_iter()
        .map(|w| w.0)
        .collect())
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Sample {
        #[serde(deserialize_with = "super::i64")]
        id: i64,
        #[serde(deserialize_with = "super::u32")]
        quantity: u32,
        #[serde(deserialize_with = "super::vec_i64")]
        ids: Vec<i64>,
    }

    #[test]
    fn whole_floats_are_integers_and_fractions_are_not() {
        let ok: Sample =
            serde_json::from_str(r#"{"id": 7.0, "quantity": 2, "ids": [1, 2.0]}"#).unwrap();
        assert_eq!((ok.id, ok.quantity, ok.ids), (7, 2, vec![1, 2]));
        for bad in [
            r#"{"id": 7.5, "quantity": 2, "ids": []}"#,
            r#"{"id": 1e300, "quantity": 2, "ids": []}"#,
            r#"{"id": "7", "quantity": 2, "ids": []}"#,
            r#"{"id": 7, "quantity": -1, "ids": []}"#,
            r#"{"id": 7, "quantity": 2, "ids": [0.5]}"#,
            r#"{"id": 18446744073709551615, "quantity": 2, "ids": []}"#,
        ] {
            assert!(serde_json::from_str::<Sample>(bad).is_err(), "{bad}");
        }
    }
}

//! A sorted list of words stored front-coded: each word as how many leading bytes it
//! shares with the one before and the rest, the two kept in columns of their own.
//! Sorted words share long beginnings ("refund", "refunded", "refus"), which a
//! compressor only partly finds on its own. Use with `#[serde(with = "front_coded")]`
//! on a sorted `Vec<String>`; any list reads back as written. (The term index
//! front-codes its terms in blocks, to look one up without decoding the rest:
//! `term_index/terms.rs`; this is for lists read whole.)

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_bytes::ByteBuf;

#[derive(Serialize, Deserialize)]
struct Columns {
    /// Per word, the bytes it shares with the word before (at most 255).
    shared: ByteBuf,
    /// Per word, what follows them.
    rest: Vec<String>,
}

pub fn serialize<S: Serializer>(words: &[String], serializer: S) -> Result<S::Ok, S::Error> {
    let mut columns = Columns {
        shared: ByteBuf::with_capacity(words.len()),
        rest: Vec::with_capacity(words.len()),
    };
    let mut previous = "";
    for word in words {
        let mut shared = previous
            .bytes()
            .zip(word.bytes())
            .take_while(|(a, b)| a == b)
            .count()
            .min(usize::from(u8::MAX));
        while !word.is_char_boundary(shared) {
            shared -= 1;
        }
        columns.shared.push(shared as u8);
        columns.rest.push(word[shared..].to_string());
        previous = word;
    }
    columns.serialize(serializer)
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let columns = Columns::deserialize(deserializer)?;
    if columns.shared.len() != columns.rest.len() {
        return Err(D::Error::custom("front-coded columns of different lengths"));
    }
    let mut words: Vec<String> = Vec::with_capacity(columns.rest.len());
    for (&shared, rest) in columns.shared.iter().zip(columns.rest) {
        let previous = words.last().map_or("", String::as_str);
        let prefix = previous
            .get(..usize::from(shared))
            .ok_or_else(|| D::Error::custom("front-coded word shares more than the word before"))?;
        words.push(format!("{prefix}{rest}"));
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Words(#[serde(with = "super")] Vec<String>);

    fn words(list: &[&str]) -> Words {
        Words(list.iter().map(|w| w.to_string()).collect())
    }

    #[test]
    fn reads_back_as_written() {
        for list in [
            words(&["refund", "refunded", "refus", "zebra"]),
            words(&[]),
            words(&["b", "a", "", "ñandú", "ñandúes", "ñu"]),
        ] {
            let bytes = postcard::to_allocvec(&list).unwrap();
            assert_eq!(postcard::from_bytes::<Words>(&bytes).unwrap(), list);
        }
    }

    #[test]
    fn shared_beginnings_are_written_once() {
        let list = words(&["refund", "refunded", "refunding"]);
        let plain = postcard::to_allocvec(&list.0).unwrap().len();
        let coded = postcard::to_allocvec(&list).unwrap().len();
        assert!(coded + 8 <= plain, "{coded} vs {plain}");
    }

    #[test]
    fn a_corrupt_list_is_an_error_not_a_panic() {
        #[derive(serde::Serialize)]
        struct Raw {
            shared: serde_bytes::ByteBuf,
            rest: Vec<String>,
        }
        let bytes = postcard::to_allocvec(&Raw {
            shared: serde_bytes::ByteBuf::from(vec![0, 9]),
            rest: vec!["ab".into(), "c".into()],
        })
        .unwrap();
        assert!(postcard::from_bytes::<Words>(&bytes).is_err());
    }
}

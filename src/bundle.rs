//! The bundle: one file holding the compiled KB and its search index, shipped next to
//! the engine's `.wasm` under a content-hashed name so a KB edit never invalidates the
//! cached engine.
//!
//! Layout: 8 magic bytes, the format version (u32, little endian), then the postcard
//! encoding of [`Contents`]. The version is checked on open, so an engine never
//! misreads a bundle written by another release (see `tests/compat.rs`).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Kb;

const MAGIC: &[u8; 8] = b"DEFLECT\0";

/// Bump when [`Contents`] or anything inside it changes shape, including the index's
/// layout (3: one segment in entry order, no `ord` field; 4: per-language settings;
/// 5: the article classifier among the index files).
pub const FORMAT_VERSION: u32 = 5;

/// What a bundle holds.
#[derive(Serialize, Deserialize)]
pub struct Contents {
    pub kb: Kb,
    /// The tantivy index's files, path and bytes, plus the matcher's meaning-expansion
    /// table ([`crate::search::expansion::FILE`]), sentence-vector table
    /// ([`crate::search::vectors::FILE`]) and article classifier
    /// ([`crate::search::classifier::FILE`]).
    #[serde(with = "file_bytes")]
    pub index_files: Vec<(String, Vec<u8>)>,
}

/// Index files as byte strings: the same encoding as a list of bytes in postcard, but
/// read with one copy instead of byte by byte (a tenth of the time to open the engine).
mod file_bytes {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_bytes::{ByteBuf, Bytes};

    pub fn serialize<S: Serializer>(
        files: &[(String, Vec<u8>)],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let borrowed: Vec<(&str, &Bytes)> = files
            .iter()
            .map(|(path, bytes)| (path.as_str(), Bytes::new(bytes)))
            .collect();
        borrowed.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<(String, Vec<u8>)>, D::Error> {
        let files = Vec::<(String, ByteBuf)>::deserialize(deserializer)?;
        Ok(files
            .into_iter()
            .map(|(path, bytes)| (path, bytes.into_vec()))
            .collect())
    }
}

/// Compiles the search index for `kb` and packs both into bundle bytes.
pub fn write(kb: &Kb) -> Result<Vec<u8>> {
    let contents = Contents {
        kb: kb.clone(),
        index_files: crate::search::build_index_files(kb)?,
    };
    encode(&contents)
}

pub fn encode(contents: &Contents) -> Result<Vec<u8>> {
    let mut out = Vec::from(&MAGIC[..]);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    postcard::to_extend(contents, out).map_err(|e| Error::CorruptBundle(e.to_string()))
}

/// Unpacks bundle bytes, refusing anything of another format version.
pub fn read(bytes: &[u8]) -> Result<Contents> {
    let rest = bytes.strip_prefix(&MAGIC[..]).ok_or(Error::NotABundle)?;
    let (version, body) = rest.split_at_checked(4).ok_or(Error::NotABundle)?;
    let found = u32::from_le_bytes(version.try_into().expect("four bytes"));
    if found != FORMAT_VERSION {
        return Err(Error::BundleFormat {
            found,
            expected: FORMAT_VERSION,
        });
    }
    postcard::from_bytes(body).map_err(|e| Error::CorruptBundle(e.to_string()))
}

//! Splitting a very large KB's postings into shards at site time (see the engine's
//! `search::term_index::shards`): the first download then holds the terms, lengths and
//! everything else matching needs, and each question fetches only the shards holding
//! its words' posting lists.

use deflect_engine::bundle::Bundle;
use deflect_engine::search::term_index::split;
use deflect_engine::{Error, Result};

use crate::fragments::content_hash;
use crate::gzip;

/// The site folder the shards are written to, relative to the bundle.
pub const SHARD_DIR: &str = "postings";

/// Postings over this many bytes gzip are split. The sample KB's are 10 KB, the 408
/// articles of the Arduino help centre's 53 KB and a synthetic 1,000-article KB's 39 KB:
/// at that size they are a fraction of the engine's 170 KB, and one download costs less
/// than the round trips shard fetches add to the first question. A 5,000-article KB's
/// are 215 KB, the largest part of its index, and grow with every article.
pub const SPLIT_OVER_GZIP: usize = 64 * 1024;

/// Raw bytes of postings per shard, about. Gzipped (about half), one shard fits in
/// TCP's initial congestion window (ten segments, about 14 KB), so fetching one costs
/// a single round trip; smaller shards would mean more requests per question for
/// little gain, since a question's words spread over the terms anyway.
pub const SHARD_BYTES: usize = 16 * 1024;

/// A bundle whose postings were split: the bundle to ship first, and the shard files
/// (name, bytes) to put in [`SHARD_DIR`].
pub struct SplitBundle {
    pub bundle: Vec<u8>,
    pub shards: Vec<(String, Vec<u8>)>,
}

/// The bundle `bytes` with its postings split into shards if they are over
/// [`SPLIT_OVER_GZIP`] gzipped, else `None` (ship it whole).
pub fn split_if_large(bytes: &[u8]) -> Result<Option<SplitBundle>> {
    let mut bundle = Bundle::decode(bytes)?;
    let postings: Vec<u8> = (bundle.index.groups.iter())
        .flat_map(|g| g.fields.iter().flat_map(|f| f.postings.iter().copied()))
        .collect();
    let gzipped = gzip(&postings).map_err(|e| Error::Index(e.to_string()))?;
    if gzipped.len() <= SPLIT_OVER_GZIP {
        return Ok(None);
    }
    split_bundle(&mut bundle, SHARD_BYTES).map(Some)
}

/// Splits `bundle`'s postings into shards of about `shard_bytes` bytes, whatever their
/// size.
pub fn split_bundle(bundle: &mut Bundle, shard_bytes: usize) -> Result<SplitBundle> {
    let shards = split(&mut bundle.index, shard_bytes, |bytes| {
        format!("{}.bin", content_hash(bytes))
    })?;
    Ok(SplitBundle {
        bundle: bundle.encode()?,
        shards,
    })
}

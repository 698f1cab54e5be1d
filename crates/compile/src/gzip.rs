//! gzip at the best level, as a CDN serves what visitors download: how the site is
//! pre-compressed and how every download size is measured.

use std::io::Write;

/// `bytes` gzipped at level 9.
pub fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    encoder.finish()
}

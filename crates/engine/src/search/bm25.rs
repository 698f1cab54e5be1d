//! BM25 exactly as tantivy computes it (`tantivy::query::Bm25Weight`: the same
//! constants, the same float operations in the same order), so that scores read from
//! the compact term index are the ones tantivy's term queries give; `deflect-compile`'s
//! tests compare the two bit for bit.
//!
//! tantivy builds a 256-entry length table for every term it scores; it depends only on
//! the field, so here it is built once per field when the index opens.

use tantivy::fieldnorm::FieldNormReader;

const K1: f32 = 1.2;
const B: f32 = 0.75;

/// One field's BM25: its length normalisation per fieldnorm id.
#[derive(Debug, Clone)]
pub struct Bm25Field {
    doc_count: u64,
    /// Per fieldnorm id: `K1 * (1 - B + B * length / average length)`.
    length_norms: [f32; 256],
}

impl Bm25Field {
    /// A field of `total_tokens` tokens over `doc_count` documents.
    pub fn new(total_tokens: u64, doc_count: u64) -> Self {
        let average = total_tokens as f32 / doc_count as f32;
        let mut length_norms = [0.0; 256];
        for (id, norm) in (0..=u8::MAX).zip(length_norms.iter_mut()) {
            let length = FieldNormReader::id_to_fieldnorm(id);
            *norm = K1 * (1.0 - B + B * length as f32 / average);
        }
        Bm25Field {
            doc_count,
            length_norms,
        }
    }

    /// A term's weight in this field: its idf times `1 + K1`, for a term that
    /// `doc_freq` documents have.
    pub fn term_weight(&self, doc_freq: u64) -> f32 {
        let x = (self.doc_count.saturating_sub(doc_freq) as f32 + 0.5) / (doc_freq as f32 + 0.5);
        (1.0 + x).ln() * (1.0 + K1)
    }

    /// The score of a document whose length has fieldnorm id `fieldnorm_id` and which
    /// has the term `term_freq` times, for a term of weight `term_weight`.
    #[inline]
    pub fn score(&self, term_weight: f32, fieldnorm_id: u8, term_freq: u32) -> f32 {
        let term_freq = term_freq as f32;
        let norm = self.length_norms[usize::from(fieldnorm_id)];
        term_weight * (term_freq / (term_freq + norm))
    }
}

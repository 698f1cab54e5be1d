//! The baseline Deflect is measured against: plain tantivy BM25 over each article's
//! title and example questions, tantivy's English stemming analyser (`en_stem`: words,
//! lower-cased, Snowball English), the question parsed leniently by tantivy's query
//! parser (any word may match). Nothing of Deflect's analysis, scoring or confidence is
//! used. It has no confidence either: it answers with its top hit whenever any word
//! matched, so each hit counts as confident (1).

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, STORED, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use tantivy::{Index, IndexReader, TantivyDocument, doc};

use super::Ranked;
use super::protocol::Intent;
use deflect_engine::stemmer::SnowballStemmer;

pub struct Bm25Baseline {
    reader: IndexReader,
    parser: QueryParser,
    id: Field,
}

impl Bm25Baseline {
    pub fn new(articles: &[Intent]) -> tantivy::Result<Self> {
        let mut builder = Schema::builder();
        let id = builder.add_text_field("id", STORED);
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("en_stem")
                .set_index_option(tantivy::schema::IndexRecordOption::WithFreqsAndPositions),
        );
        let title = builder.add_text_field("title", text.clone());
        let questions = builder.add_text_field("questions", text);
        let index = Index::create_in_ram(builder.build());
        // tantivy's `en_stem`, rebuilt: the engine links Snowball itself, not through
        // tantivy's `stemmer` feature, so tantivy no longer registers it.
        index.tokenizers().register(
            "en_stem",
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(40))
                .filter(LowerCaser)
                .filter(SnowballStemmer::new(frostem::Algorithm::English))
                .build(),
        );
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        for a in articles {
            writer.add_document(doc!(
                id => a.id.clone(),
                title => a.title.clone(),
                questions => a.examples.join("\n"),
            ))?;
        }
        writer.commit()?;
        let parser = QueryParser::for_index(&index, vec![title, questions]);
        Ok(Bm25Baseline {
            reader: index.reader()?,
            parser,
            id,
        })
    }

    /// Article ids, best first, each at confidence 1: plain BM25 always answers.
    pub fn rank(&self, text: &str) -> Ranked {
        let (query, _errors) = self.parser.parse_query_lenient(text);
        let searcher = self.reader.searcher();
        let Ok(hits) = searcher.search(&query, &TopDocs::with_limit(10).order_by_score()) else {
            return Vec::new();
        };
        hits.into_iter()
            .filter_map(|(_, address)| {
                let doc: TantivyDocument = searcher.doc(address).ok()?;
                let id = doc.get_first(self.id)?.as_str()?.to_string();
                Some((id, 1.0))
            })
            .collect()
    }
}

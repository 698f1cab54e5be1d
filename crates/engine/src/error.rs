//! The engine's error type.

/// Everything that can go wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bytes given to [`crate::Engine::open`] are not a Deflect bundle.
    #[error("not a Deflect knowledge-base bundle")]
    NotABundle,
    /// The bundle was written by a Deflect with another bundle format.
    #[error(
        "bundle format {found} is not supported (this engine reads format {expected}); rebuild the index"
    )]
    BundleFormat { found: u32, expected: u32 },
    /// The KB is written in a language this build of the engine has no analyser for:
    /// the browser engine links only the stemmers of the KB it was built for.
    #[error(
        "this engine was built without the `{0}` language the KB uses; rebuild the engine for this KB (`deflect languages`)"
    )]
    LanguageNotBuilt(String),
    /// The bundle's contents could not be decoded.
    #[error("corrupt bundle: {0}")]
    CorruptBundle(String),
    /// The search index could not be written or searched.
    #[error("search index: {0}")]
    Index(String),
    /// A flow, step, article or checklist the caller named does not exist.
    #[error("unknown {kind} `{id}`")]
    Unknown { kind: &'static str, id: String },
    /// A saved conversation (`Conversation::restore`) was saved by an engine of another
    /// shape, or is not a saved conversation at all.
    #[error("saved conversation: {0}")]
    SavedConversation(String),
    /// The question needs posting lists in shards not loaded yet (file names): it is
    /// not answered from part of the data; load them with `Engine::add_shard`.
    #[error("the answer needs term data not loaded yet: {}", .0.join(", "))]
    NeedsShards(Vec<String>),
    /// A shard was given that the bundle's shard table does not list.
    #[error("unknown postings shard `{0}`")]
    UnknownShard(String),
    /// A shard's bytes are not the shard the table names, or are damaged.
    #[error("postings shard `{name}` is damaged: {why}")]
    DamagedShard { name: String, why: String },
    /// The call does not fit the conversation's state (e.g. a choice with no flow running).
    #[error("{0}")]
    State(String),
}

impl Error {
    /// Two results of one question as one: every shard either half needs, so the
    /// caller fetches them all at once; otherwise the first error.
    pub fn both<T, U>(a: Result<T>, b: Result<U>) -> Result<(T, U)> {
        match (a, b) {
            (Err(Error::NeedsShards(mut a)), Err(Error::NeedsShards(b))) => {
                a.extend(b);
                a.sort();
                a.dedup();
                Err(Error::NeedsShards(a))
            }
            (a, b) => Ok((a?, b?)),
        }
    }
}

/// Crate-wide result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

//! A conversation kept across page views: the widget stores it in `sessionStorage` as
//! text, and the next page's engine carries on from it.
//!
//! The text is [`STATE_VERSION`] and the conversation in postcard, one char per byte
//! (U+0000–U+00FF, what `atob` gives; no base64 code in the engine). Postcard
//! rather than a JS object because reading one back through serde-wasm-bindgen took
//! its whole deserialiser into the browser engine (with `crates/wasm`'s `js_input`,
//! 17 KB of its 182 KB gzip). Postcard
//! carries no field names, so a conversation saved by an engine of another shape would
//! be misread: the version is checked first, and `a_saved_conversation_keeps_its_shape`
//! fails whenever the shape changes, until the version is bumped.

use super::Conversation;
use crate::error::{Error, Result};

/// Bump when [`Conversation`] or anything in it changes shape.
pub const STATE_VERSION: u8 = 1;

impl Conversation {
    /// The conversation as text, for [`Conversation::restore`] on the next page view.
    pub fn save(&self) -> Result<String> {
        let bytes = postcard::to_extend(self, vec![STATE_VERSION])
            .map_err(|e| Error::SavedConversation(e.to_string()))?;
        Ok(bytes.into_iter().map(char::from).collect())
    }

    /// The conversation [`Conversation::save`] gave, refused when another version of
    /// the engine saved it or the text is damaged.
    pub fn restore(saved: &str) -> Result<Conversation> {
        let bytes = saved
            .chars()
            .map(|c| {
                u8::try_from(c)
                    .map_err(|_| Error::SavedConversation(format!("{c:?} is not a byte")))
            })
            .collect::<Result<Vec<u8>>>()?;
        match bytes.split_first() {
            Some((&STATE_VERSION, rest)) => {
                postcard::from_bytes(rest).map_err(|e| Error::SavedConversation(e.to_string()))
            }
            Some((version, _)) => Err(Error::SavedConversation(format!(
                "saved by state version {version}; this engine reads {STATE_VERSION}"
            ))),
            None => Err(Error::SavedConversation("empty".into())),
        }
    }
}

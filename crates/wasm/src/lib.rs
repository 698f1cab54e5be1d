//! The browser binding: a thin wasm-bindgen layer over [`Engine`] and [`Conversation`].
//! Values cross as plain JS objects (serde-wasm-bindgen); errors become JS `Error`s.
//! See `docs/engine-api.md` for the JS side of this contract.

mod js_input;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use deflect_engine::conversation::Conversation;

/// Results as JS values; maps become plain objects, not `Map`s.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value
        .serialize(&serializer)
        .map_err(|e| JsError::new(&e.to_string()))
}

fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// The engine with one conversation, as the widget uses it.
#[wasm_bindgen]
pub struct Engine {
    engine: deflect_engine::Engine,
    conversation: Option<Conversation>,
}

#[wasm_bindgen]
impl Engine {
    /// Opens the KB bundle (the content-hashed `kb.*.bin`).
    pub fn open(bundle: &[u8]) -> Result<Engine, JsError> {
        let engine = deflect_engine::Engine::open(bundle).map_err(err)?;
        Ok(Engine {
            engine,
            conversation: None,
        })
    }

    pub fn settings(&self) -> Result<JsValue, JsError> {
        to_js(&self.engine.kb().settings)
    }

    #[wasm_bindgen(js_name = kbVersion)]
    pub fn kb_version(&self) -> String {
        self.engine.kb().version.clone()
    }

    /// Starts a new conversation; returns the greeting reply.
    pub fn start(&mut self, start: JsValue) -> Result<JsValue, JsError> {
        let start = js_input::start(&start)?;
        let (conversation, reply) = Conversation::start(&self.engine, start);
        self.conversation = Some(conversation);
        to_js(&reply)
    }

    /// The conversation as text, to keep across page views (`undefined` before `start`).
    pub fn state(&self) -> Result<Option<String>, JsError> {
        self.conversation
            .as_ref()
            .map(Conversation::save)
            .transpose()
            .map_err(err)
    }

    /// Carries on the conversation `state()` gave; throws for one this engine cannot
    /// read (another version's, or damaged), and the conversation is then unchanged.
    pub fn restore(&mut self, state: JsValue) -> Result<(), JsError> {
        let text = state
            .as_string()
            .ok_or_else(|| JsError::new("`state` must be a string"))?;
        self.conversation = Some(Conversation::restore(&text).map_err(err)?);
        Ok(())
    }

    pub fn identify(&mut self, customer: JsValue) -> Result<(), JsError> {
        let customer = js_input::customer(&customer)?;
        self.chat()?.identify(customer);
        Ok(())
    }

    /// Articles for what the visitor is typing.
    pub fn suggest(&self, text: &str) -> Result<JsValue, JsError> {
        let matches = self.engine.suggest(text, &self.lang(), 3).map_err(err)?;
        let articles: Vec<_> = matches
            .into_iter()
            .filter(|m| m.kind == deflect_engine::search::EntryKind::Article)
            .map(|m| deflect_engine::conversation::Suggestion {
                id: m.id,
                title: m.title,
                confidence: m.confidence,
            })
            .collect();
        to_js(&articles)
    }

    /// The postings shards (files under the manifest's `postings`) that suggesting or
    /// saying `text` needs and that are not loaded yet; empty when it can run.
    #[wasm_bindgen(js_name = missingShards)]
    pub fn missing_shards(&self, text: &str) -> Vec<String> {
        self.engine.missing_shards(text, &self.lang())
    }

    /// Every postings shard not loaded yet, to fetch in the background.
    #[wasm_bindgen(js_name = pendingShards)]
    pub fn pending_shards(&self) -> Vec<String> {
        self.engine.pending_shards()
    }

    /// Loads a postings shard; an unknown name or damaged bytes throw and change nothing.
    #[wasm_bindgen(js_name = addShard)]
    pub fn add_shard(&mut self, name: &str, bytes: &[u8]) -> Result<(), JsError> {
        self.engine.add_shard(name, bytes).map_err(err)
    }

    pub fn say(&mut self, text: &str, now: f64) -> Result<JsValue, JsError> {
        let (engine, chat) = self.parts()?;
        to_js(&chat.say(engine, text, now as u64).map_err(err)?)
    }

    pub fn choose(&mut self, index: usize, now: f64) -> Result<JsValue, JsError> {
        let (engine, chat) = self.parts()?;
        to_js(&chat.choose(engine, index, now as u64).map_err(err)?)
    }

    #[wasm_bindgen(js_name = submitDetails)]
    pub fn submit_details(&mut self, values: JsValue, now: f64) -> Result<JsValue, JsError> {
        let values = js_input::answers(&values)?;
        let (engine, chat) = self.parts()?;
        to_js(
            &chat
                .submit_details(engine, &values, now as u64)
                .map_err(err)?,
        )
    }

    /// After a handoff: the visitor's way to reply (`email` undefined: skipped).
    #[wasm_bindgen(js_name = giveContact)]
    pub fn give_contact(
        &mut self,
        email: Option<String>,
        name: Option<String>,
        now: f64,
    ) -> Result<JsValue, JsError> {
        let (engine, chat) = self.parts()?;
        let reply = chat
            .give_contact(engine, email.as_deref(), name.as_deref(), now as u64)
            .map_err(err)?;
        to_js(&reply)
    }

    /// After a handoff: the visitor skipped the checklist.
    #[wasm_bindgen(js_name = skipDetails)]
    pub fn skip_details(&mut self, now: f64) -> Result<JsValue, JsError> {
        let (engine, chat) = self.parts()?;
        to_js(&chat.skip_details(engine, now as u64).map_err(err)?)
    }

    #[wasm_bindgen(js_name = startFlow)]
    pub fn start_flow(&mut self, flow_id: &str, now: f64) -> Result<JsValue, JsError> {
        let (engine, chat) = self.parts()?;
        to_js(&chat.start_flow(engine, flow_id, now as u64).map_err(err)?)
    }

    pub fn back(&mut self, now: f64) -> Result<JsValue, JsError> {
        let (engine, chat) = self.parts()?;
        to_js(&chat.back(engine, now as u64).map_err(err)?)
    }

    /// "Start over": the first step of the running flow again.
    #[wasm_bindgen(js_name = startOver)]
    pub fn start_over(&mut self, now: f64) -> Result<JsValue, JsError> {
        let (engine, chat) = self.parts()?;
        to_js(&chat.start_over(engine, now as u64).map_err(err)?)
    }

    /// The fragment file holding article `id`'s body (under the manifest's `articles`),
    /// so the widget can fetch it before the visitor opens the article.
    #[wasm_bindgen(js_name = articleFragment)]
    pub fn article_fragment(&self, id: &str) -> Option<String> {
        self.engine.kb().article(id).map(|a| a.fragment.clone())
    }

    #[wasm_bindgen(js_name = openArticle)]
    pub fn open_article(&mut self, id: &str, now: f64) -> Result<JsValue, JsError> {
        let (engine, chat) = self.parts()?;
        to_js(&chat.open_article(engine, id, now as u64).map_err(err)?)
    }

    pub fn feedback(&mut self, id: &str, helped: bool, now: f64) -> Result<JsValue, JsError> {
        let (engine, chat) = self.parts()?;
        to_js(&chat.feedback(engine, id, helped, now as u64).map_err(err)?)
    }

    #[wasm_bindgen(js_name = requestHuman)]
    pub fn request_human(&mut self, now: f64) -> Result<JsValue, JsError> {
        let (engine, chat) = self.parts()?;
        to_js(&chat.request_human(engine, now as u64))
    }

    /// The ticket once handed off, else `null`.
    pub fn ticket(&self) -> Result<JsValue, JsError> {
        let chat = self
            .conversation
            .as_ref()
            .ok_or_else(|| JsError::new("no conversation"))?;
        to_js(&chat.ticket(&self.engine))
    }
}

impl Engine {
    /// The conversation's language ("" before it starts: the KB's default).
    fn lang(&self) -> String {
        self.conversation
            .as_ref()
            .map(|c| c.lang().to_string())
            .unwrap_or_default()
    }

    fn chat(&mut self) -> Result<&mut Conversation, JsError> {
        self.conversation
            .as_mut()
            .ok_or_else(|| JsError::new("call start() first"))
    }

    fn parts(&mut self) -> Result<(&deflect_engine::Engine, &mut Conversation), JsError> {
        let chat = self
            .conversation
            .as_mut()
            .ok_or_else(|| JsError::new("call start() first"))?;
        Ok((&self.engine, chat))
    }
}

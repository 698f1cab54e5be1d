//! The widget's plain JS objects read into the engine's types, field by field.
//!
//! Hand-written rather than serde-wasm-bindgen's `from_value`: for these four small
//! inputs that took its whole deserialiser (and float formatting, for its error
//! messages) into every visitor's download: with conversations saved as postcard
//! (`deflect_engine::conversation::saved`), 17 KB of the engine's 182 KB gzip.
//! Missing fields are empty, as the widget leaves out what it does not know; a field of
//! the wrong type is an error that names it.

use std::collections::BTreeMap;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsError, JsValue};

use deflect_engine::conversation::Start;
use deflect_engine::ticket::{Customer, Page};

/// `{id, lang, customer?, page?, now}`, as `Engine.start` takes it.
pub fn start(value: &JsValue) -> Result<Start, JsError> {
    let object = object(value, "start")?;
    Ok(Start {
        id: required_text(&object, "id", "start")?,
        lang: text(&object, "lang", "start")?.unwrap_or_default(),
        customer: customer(&field(&object, "customer"))?,
        page: page(&field(&object, "page"))?,
        now: time(&field(&object, "now"), "start.now")?,
    })
}

/// `{email?, name?, tier?, signature?}`: who the page says the visitor is.
pub fn customer(value: &JsValue) -> Result<Customer, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(Customer::default());
    }
    let object = object(value, "customer")?;
    Ok(Customer {
        email: text(&object, "email", "customer")?,
        name: text(&object, "name", "customer")?,
        tier: text(&object, "tier", "customer")?,
        signature: text(&object, "signature", "customer")?,
    })
}

/// `{field id: answer}`: a checklist's answers, every one a string.
pub fn answers(value: &JsValue) -> Result<BTreeMap<String, String>, JsError> {
    let object = object(value, "answers")?;
    Object::entries(&object)
        .iter()
        .map(|entry| {
            let pair: Array = entry.unchecked_into();
            let key = pair.get(0).as_string().unwrap_or_default();
            match pair.get(1).as_string() {
                Some(answer) => Ok((key, answer)),
                None => Err(JsError::new(&format!("answer `{key}` must be a string"))),
            }
        })
        .collect()
}

/// A millisecond timestamp (`Date.now()`).
pub fn time(value: &JsValue, what: &str) -> Result<u64, JsError> {
    match value.as_f64() {
        Some(ms) if ms.is_finite() && ms >= 0.0 => Ok(ms as u64),
        _ => Err(JsError::new(&format!(
            "`{what}` must be a time in milliseconds"
        ))),
    }
}

fn page(value: &JsValue) -> Result<Page, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(Page::default());
    }
    let object = object(value, "page")?;
    let text = |key| text(&object, key, "page").map(Option::unwrap_or_default);
    Ok(Page {
        url: text("url")?,
        title: text("title")?,
        referrer: text("referrer")?,
        user_agent: text("user_agent")?,
        language: text("language")?,
    })
}

fn object(value: &JsValue, what: &str) -> Result<Object, JsError> {
    if !value.is_object() {
        return Err(JsError::new(&format!("`{what}` must be an object")));
    }
    Ok(value.clone().unchecked_into())
}

fn field(object: &Object, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A string field; `undefined` and `null` are `None`.
fn text(object: &Object, key: &str, what: &str) -> Result<Option<String>, JsError> {
    let value = field(object, key);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_string()
        .map(Some)
        .ok_or_else(|| JsError::new(&format!("`{what}.{key}` must be a string")))
}

fn required_text(object: &Object, key: &str, what: &str) -> Result<String, JsError> {
    text(object, key, what)?.ok_or_else(|| JsError::new(&format!("`{what}.{key}` is missing")))
}

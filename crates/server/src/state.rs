//! What every route of the inbox shares. Each line of defence adds its own part here,
//! and a handler asks only for the part it uses (`State<Store>` works wherever
//! `AppState` is the router's state).

use std::sync::Arc;

use axum::extract::FromRef;

use super::auth::{Auth, PublicUrl};
use super::limits::Limits;
use super::server_check::Verifier;
use super::store::Store;

/// The router's state; cheap to clone (every part is shared).
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    pub store: Store,
    /// Agents' sessions, tokens and login limits.
    pub auth: Auth,
    /// What arriving tickets are checked with (`server_check`).
    pub verifier: Verifier,
    /// The bounds routes apply themselves (e.g. how long insights may compute).
    pub limits: Arc<Limits>,
}

impl AppState {
    pub(crate) fn new(store: Store, public_urls: &[PublicUrl], limits: Limits) -> Self {
        Self {
            auth: Auth::new(store.clone(), public_urls),
            verifier: Verifier::default(),
            limits: Arc::new(limits),
            store,
        }
    }
}

impl FromRef<AppState> for Arc<Limits> {
    fn from_ref(state: &AppState) -> Arc<Limits> {
        Arc::clone(&state.limits)
    }
}

impl FromRef<AppState> for Store {
    fn from_ref(state: &AppState) -> Store {
        state.store.clone()
    }
}

impl FromRef<AppState> for Verifier {
    fn from_ref(state: &AppState) -> Verifier {
        state.verifier.clone()
    }
}

//! What every route of the inbox shares. Each line of defence adds its own part here,
//! and a handler asks only for the part it uses (`State<Store>` works wherever
//! `AppState` is the router's state).

use axum::extract::FromRef;

use super::auth::{Auth, PublicUrl};
use super::store::Store;

/// The router's state; cheap to clone (every part is shared).
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    pub store: Store,
    /// Agents' sessions, tokens and login limits.
    pub auth: Auth,
}

impl AppState {
    pub(crate) fn new(store: Store, public_urls: &[PublicUrl]) -> Self {
        Self {
            auth: Auth::new(store.clone(), public_urls),
            store,
        }
    }
}

impl FromRef<AppState> for Store {
    fn from_ref(state: &AppState) -> Store {
        state.store.clone()
    }
}

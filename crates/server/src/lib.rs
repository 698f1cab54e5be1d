//! The reference ticket inbox: a small server that receives the tickets the widget
//! sends on handoff, stores them durably and shows them to a human.
//!
//! Creators will usually point the widget at their own help desk; this receiver exists
//! so development, demos and tests have a real endpoint that implements the contract
//! of `schema/ticket.v1.json` exactly (idempotent by ticket id, clear 4xx errors, CORS
//! for the embedding site), and so that contract has an executable reference.

mod api_error;
mod attachments;
pub mod auth;
mod body;
mod display;
pub mod events;
mod follow_ups;
mod http;
pub mod insights;
mod page;
mod page_url;
pub mod paging;
mod request;
mod running;
mod site;
mod state;
mod store;
mod validate;

use std::future::Future;
use std::net::SocketAddr;

pub use attachments::MAX_ATTACHMENT_BYTES;
pub use http::{InboxOptions, MAX_BODY_BYTES, router};
pub use page::{Chrome, format_time, render as render_page};
pub use running::RunningInbox;
pub use store::{Inserted, Store, StoreError, StoredTicket};

/// Serves the inbox on `listener` until `shutdown` completes, then lets in-flight
/// requests finish so no acknowledged ticket is cut off mid-response. Each request
/// knows its client's address (the login rate limit is per IP).
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    options: InboxOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let bound = listener.local_addr()?;
    let app = router(store, options, bound).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

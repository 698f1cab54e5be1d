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
mod columns;
mod display;
pub mod events;
mod follow_ups;
mod http;
pub mod identity;
pub mod insights;
mod page;
mod page_url;
pub mod paging;
mod receipt;
mod request;
mod running;
pub mod server_check;
pub mod server_kb;
mod site;
mod state;
mod store;
mod ticket_token;
mod validate;
mod verdict_page;

use std::future::Future;
use std::net::SocketAddr;

pub use attachments::MAX_ATTACHMENT_BYTES;
pub use http::{InboxOptions, MAX_BODY_BYTES, router};
pub use identity::{IDENTITY_SECRET_ENV, IdentitySecret};
pub use page::{Chrome, format_time, render as render_page};
pub use receipt::{Arrival, Received};
pub use running::RunningInbox;
pub use server_kb::ServerKb;
pub use store::{Inserted, Store, StoreError, StoredTicket};
pub use ticket_token::TICKET_TOKEN_HEADER;

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

//! The reference ticket inbox: a small server that receives the tickets the widget
//! sends on handoff, stores them durably and shows them to a human.
//!
//! Creators will usually point the widget at their own help desk; this receiver exists
//! so development, demos and tests have a real endpoint that implements the contract
//! of `schema/ticket.v1.json` exactly (idempotent by ticket id, clear 4xx errors, CORS
//! for the embedding site), and so that contract has an executable reference.

mod api_error;
mod attachments;
mod body;
mod display;
pub mod events;
mod follow_ups;
mod http;
pub mod insights;
pub mod limits;
mod origin;
mod page;
mod page_url;
mod request;
mod running;
mod site;
mod state;
mod store;
mod validate;

use std::future::Future;

pub use attachments::MAX_ATTACHMENT_BYTES;
pub use http::{InboxOptions, MAX_BODY_BYTES, router};
pub use limits::{CapExceeded, Limits, TicketCaps};
pub use page::render as render_page;
pub use running::RunningInbox;
pub use store::{Inserted, Store, StoreError, StoredTicket};

/// Serves the inbox on `listener` until `shutdown` completes, then lets in-flight
/// requests finish so no acknowledged ticket is cut off mid-response. Old analytics
/// events are deleted before the first connection is accepted, and hourly after.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    options: InboxOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let bounds = options.limits.clone();
    limits::retention::prune_once(&store, &bounds).await;
    let pruning = tokio::spawn(limits::retention::keep_pruning(
        store.clone(),
        bounds.clone(),
    ));
    let served =
        limits::connections::serve(listener, router(store, options), &bounds, shutdown).await;
    pruning.abort();
    served
}

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
pub mod config_file;
pub mod db;
mod delivery_page;
mod display;
pub mod events;
mod follow_ups;
mod http;
pub mod identity;
pub mod insights;
pub mod limits;
mod origin;
mod page;
mod page_url;
pub mod paging;
mod receipt;
pub mod relay;
mod request;
mod resolution;
mod running;
pub mod server_check;
pub mod server_kb;
mod site;
mod state;
mod store;
#[cfg(test)]
mod test_stores;
mod ticket_token;
pub mod traffic;
mod validate;
mod verdict_page;

use std::future::Future;

pub use attachments::MAX_ATTACHMENT_BYTES;
pub use http::{InboxOptions, MAX_BODY_BYTES, router};
pub use identity::{IDENTITY_SECRET_ENV, IdentitySecret};
pub use limits::{CapExceeded, Limits, TicketCaps};
pub use page::{Chrome, format_time, render as render_page};
pub use receipt::{Arrival, Received};
pub use resolution::Resolution;
pub use running::RunningInbox;
pub use server_kb::ServerKb;
pub use store::{Inserted, Store, StoreError, StoredTicket};
pub use ticket_token::TICKET_TOKEN_HEADER;

/// Serves the inbox on `listener` until `shutdown` completes, then lets in-flight
/// requests finish so no acknowledged ticket is cut off mid-response. Each request
/// knows its client's address (rate limits are per client). Old analytics events are
/// deleted before the first connection is accepted, and hourly after.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    options: InboxOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let bound = listener.local_addr()?;
    let (store, relay) = start_relay_on(store, &options)?;
    let relaying = relay.map(relay::Relay::spawn);
    let bounds = options.limits.clone();
    limits::retention::prune_once(&store, &bounds).await;
    let pruning = tokio::spawn(limits::retention::keep_pruning(
        store.clone(),
        bounds.clone(),
    ));
    let app = router(store, options, bound);
    let served = limits::connections::serve(listener, app, &bounds, shutdown).await;
    pruning.abort();
    if let Some(relaying) = relaying {
        // Whatever it was sending stays claimed until its lease ends, then is sent again
        // (by the next start, or another instance): nothing is lost by stopping here.
        relaying.abort();
    }
    served
}

/// Whether `options.relay` can run (addresses, secrets in the environment, a KB for
/// the confirmation): what `deflect serve` checks before it says it is serving.
pub fn check_relay(store: &Store, options: &InboxOptions) -> std::io::Result<()> {
    start_relay_on(store.clone(), options).map(drop)
}

/// The relay for `options.relay` on `store`, and the store that queues for it; the
/// store as it is when nothing is relayed. A config that cannot work (a secret missing
/// from the environment) stops the start.
fn start_relay_on(
    store: Store,
    options: &InboxOptions,
) -> std::io::Result<(Store, Option<relay::Relay>)> {
    let Some(config) = options.relay.as_ref().filter(|c| !c.is_empty()) else {
        return Ok((store, None));
    };
    let inbox_url = options
        .public_urls
        .first()
        .map(|url| format!("{}/inbox", url.origin()));
    let relay = relay::Relay::new(store, config, options.kb.as_ref(), inbox_url)
        .map_err(|err| std::io::Error::other(format!("relay: {err}")))?;
    let store = relay.store().clone();
    Ok((store, Some(relay)))
}

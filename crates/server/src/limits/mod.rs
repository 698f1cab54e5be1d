//! Bounds on what one client, one ticket and one connection may cost the inbox, so a
//! script on the internet can neither fill its disk nor starve the real visitors.
//!
//! Each bound is its own module: per-client write rates ([`rate`]), what one ticket may
//! hold ([`caps`]), how long a request may take to arrive ([`deadline`] for bodies,
//! [`connections`] for headers and open sockets) and how long analytics events are kept
//! ([`retention`]). [`Limits`] gathers their settings; `deflect serve` fills it from its
//! flags.

pub(crate) mod caps;
pub(crate) mod connections;
pub(crate) mod deadline;
pub(crate) mod rate;
pub(crate) mod retention;

use std::time::Duration;

use axum::{Router, middleware};

use crate::origin::{OriginPolicy, require_allowed_origin};

pub use caps::{CapExceeded, TicketCaps};
pub use retention::prune_events;

/// Every bound of the inbox; `Default` is generous enough for a real visitor's widget
/// (a ticket, its follow-ups, a few screenshots and analytics batches) and for many
/// visitors behind one address (an office, a mobile carrier).
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Writes (POST, PUT) one client may send at once before it has to wait.
    pub write_burst: u32,
    /// Writes per minute a client regains after its burst; past them it is answered 429
    /// with `Retry-After`, which the widget's retry queue waits for.
    pub writes_per_minute: u32,
    /// Take the client's address from `X-Forwarded-For` / `X-Real-IP` / `Forwarded`.
    /// Only behind a reverse proxy that sets them: otherwise any client could claim a
    /// fresh address per request. Per-address connection bounds are off then (every
    /// connection comes from the proxy).
    pub trust_proxy_headers: bool,
    /// What one ticket may hold.
    pub caps: TicketCaps,
    /// Time a connection has to send a request's headers (also how long an idle
    /// keep-alive connection stays open).
    pub header_timeout: Duration,
    /// Time a request has, from its headers, to send its whole body; a slower body is
    /// answered 408.
    pub body_timeout: Duration,
    /// Connections open at once, from everyone; more are closed as soon as accepted.
    pub max_connections: usize,
    /// Connections open at once from one address.
    pub max_connections_per_ip: usize,
    /// Analytics events older than this many days are deleted, at start and hourly.
    pub events_retention_days: u32,
    /// Longest an insights report may compute before it is abandoned (503), so a huge
    /// events table costs a bounded amount of time.
    pub insights_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            write_burst: 60,
            writes_per_minute: 60,
            trust_proxy_headers: false,
            caps: TicketCaps::default(),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            max_connections: 4096,
            max_connections_per_ip: 64,
            events_retention_days: 90,
            insights_time: Duration::from_secs(10),
        }
    }
}

/// The layers every route of the inbox passes, outermost first: the client's write
/// rate (the cheapest refusal), the origin rule, then the body deadline. One `Guard`
/// serves the whole router, so its routers share one set of rate buckets.
#[derive(Clone)]
pub(crate) struct Guard {
    rate: rate::WriteRateLayer,
    origins: OriginPolicy,
    body_time: Duration,
}

impl Guard {
    pub(crate) fn new(limits: &Limits, allowed_origins: &[String]) -> Self {
        Self {
            rate: rate::layer(limits),
            origins: OriginPolicy::new(allowed_origins),
            body_time: limits.body_timeout,
        }
    }

    /// `router` behind the guard (layers added later wrap earlier ones).
    pub(crate) fn apply<S: Clone + Send + Sync + 'static>(&self, router: Router<S>) -> Router<S> {
        router
            .layer(middleware::from_fn_with_state(
                self.body_time,
                deadline::limit_body_time,
            ))
            .layer(middleware::from_fn_with_state(
                self.origins.clone(),
                require_allowed_origin,
            ))
            .layer(self.rate.clone())
    }
}

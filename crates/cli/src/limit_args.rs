//! `deflect serve`'s flags for the inbox's limits; the defaults are those of
//! [`Limits::default`], so the flags and the library cannot disagree.

use std::time::Duration;

use clap::Args;

use deflect_server::{Limits, TicketCaps};

/// The inbox's bounds, each defaulting to what a real visitor's widget never reaches.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Writes (tickets, follow-ups, screenshots, event batches) one client may send at
    /// once; past them it is answered 429 with Retry-After.
    #[arg(long, value_name = "N", default_value_t = Limits::default().write_burst,
          value_parser = clap::value_parser!(u32).range(1..))]
    rate_burst: u32,
    /// Writes per minute a client regains after its burst.
    #[arg(long, value_name = "N", default_value_t = Limits::default().writes_per_minute,
          value_parser = clap::value_parser!(u32).range(1..))]
    rate_per_minute: u32,
    /// Count clients by X-Forwarded-For / Forwarded, for a reverse proxy in front that
    /// sets them (without one, clients could claim any address).
    #[arg(long)]
    trust_proxy: bool,
    /// Follow-ups one ticket may collect.
    #[arg(long, value_name = "N", default_value_t = TicketCaps::default().follow_ups)]
    max_follow_ups: usize,
    /// Screenshots one ticket may collect.
    #[arg(long, value_name = "N", default_value_t = TicketCaps::default().attachments)]
    max_attachments: usize,
    /// Bytes one ticket and its follow-ups may hold together.
    #[arg(long, value_name = "BYTES", default_value_t = TicketCaps::default().bytes)]
    max_ticket_bytes: usize,
    /// Seconds a connection has to send a request's headers (idle connections close
    /// after it too).
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::default().header_timeout.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: u64,
    /// Seconds a request has to send its body; slower is answered 408.
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::default().body_timeout.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    body_timeout: u64,
    /// Connections open at once, from everyone.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_connections)]
    max_connections: usize,
    /// Connections open at once from one address (not applied with --trust-proxy).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_connections_per_ip)]
    max_connections_per_ip: usize,
    /// Days analytics events are kept; older ones are deleted at start and hourly.
    #[arg(long, value_name = "DAYS", default_value_t = Limits::default().events_retention_days)]
    events_retention_days: u32,
}

impl LimitArgs {
    pub fn limits(&self) -> Limits {
        Limits {
            write_burst: self.rate_burst,
            writes_per_minute: self.rate_per_minute,
            trust_proxy_headers: self.trust_proxy,
            caps: TicketCaps {
                follow_ups: self.max_follow_ups,
                attachments: self.max_attachments,
                bytes: self.max_ticket_bytes,
            },
            header_timeout: Duration::from_secs(self.header_timeout),
            body_timeout: Duration::from_secs(self.body_timeout),
            max_connections: self.max_connections,
            max_connections_per_ip: self.max_connections_per_ip,
            events_retention_days: self.events_retention_days,
            ..Limits::default()
        }
    }
}

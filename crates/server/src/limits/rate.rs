//! Per-client write rates: every POST/PUT/PATCH/DELETE takes a token from its client's
//! bucket ([`Limits::write_burst`] deep, refilled at [`Limits::writes_per_minute`]);
//! with none left it is answered 429 with `Retry-After` before anything is read or
//! stored. Reads are not limited here: they store nothing.
//!
//! The client is the connection's peer address, or with
//! [`Limits::trust_proxy_headers`] the address a reverse proxy reports.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::body::Body;
use axum::http::header::{HeaderValue, RETRY_AFTER};
use axum::http::{Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use governor::middleware::NoOpMiddleware;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::{KeyExtractor, PeerIpKeyExtractor, SmartIpKeyExtractor};
use tower_governor::{GovernorError, GovernorLayer};

use super::Limits;
use crate::api_error::ApiError;

/// How often addresses whose buckets are full again are forgotten, so the limiter's
/// memory follows the clients of the last minutes, not every address ever seen.
const FORGET_EVERY: Duration = Duration::from_secs(60);

/// The layer that limits writes per client.
pub(crate) type WriteRateLayer = GovernorLayer<ClientAddress, NoOpMiddleware, Body>;

/// Who a request counts against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientAddress {
    trust_proxy_headers: bool,
}

impl KeyExtractor for ClientAddress {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<IpAddr, GovernorError> {
        let found = if self.trust_proxy_headers {
            SmartIpKeyExtractor.extract(req)
        } else {
            PeerIpKeyExtractor.extract(req)
        };
        // A router mounted without its peer address (inside another server) cannot tell
        // clients apart: they share one allowance rather than fail every write.
        Ok(client_of(
            found.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        ))
    }
}

/// The client an address belongs to: an IPv4 address is one, but one IPv6 subscriber
/// gets a whole /64, so every address in a /64 counts as the same client.
pub(crate) fn client_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
        },
        v4 => v4,
    }
}

/// The write-rate layer for `limits`; its clones share one set of buckets.
pub(crate) fn layer(limits: &Limits) -> WriteRateLayer {
    let per_minute = limits.writes_per_minute.max(1);
    let config: GovernorConfig<ClientAddress, NoOpMiddleware> = GovernorConfigBuilder::default()
        .period(Duration::from_secs(60) / per_minute)
        .burst_size(limits.write_burst.max(1))
        .methods(vec![
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .key_extractor(ClientAddress {
            trust_proxy_headers: limits.trust_proxy_headers,
        })
        .finish()
        .expect("period and burst are at least 1");
    let config = Arc::new(config);
    forget_full_buckets(Arc::downgrade(config.limiter()));
    GovernorLayer::new(config).error_handler(refusal)
}

/// In the background while the limiter lives (and a runtime runs), drops the buckets
/// of clients that are back to a full allowance.
fn forget_full_buckets(
    limiter: Weak<
        governor::RateLimiter<
            IpAddr,
            governor::state::keyed::DefaultKeyedStateStore<IpAddr>,
            governor::clock::DefaultClock,
        >,
    >,
) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    runtime.spawn(async move {
        let mut every = tokio::time::interval(FORGET_EVERY);
        every.tick().await;
        loop {
            every.tick().await;
            let Some(limiter) = limiter.upgrade() else {
                return;
            };
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    });
}

/// The 429 as every inbox error is, `{"error": …}`, with the seconds to wait.
fn refusal(error: GovernorError) -> Response {
    match error {
        GovernorError::TooManyRequests { wait_time, .. } => {
            // The limiter rounds down; one more second is never too early.
            let wait = wait_time + 1;
            let mut response = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("too many requests from your address; try again in {wait} s"),
            )
            .into_response();
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(wait));
            response
        }
        other => ApiError::internal("rate limiter", other).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_slash_64_is_one_client_and_ipv4_addresses_are_their_own() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(client_of(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
        assert_eq!(
            client_of(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")),
            client_of(ip("2001:db8:1:2::7"))
        );
        assert_ne!(
            client_of(ip("2001:db8:1:3::1")),
            client_of(ip("2001:db8:1:2::1"))
        );
        assert_eq!(client_of(ip("::ffff:198.51.100.7")), ip("198.51.100.7"));
        assert_eq!(client_of(ip("198.51.100.7")), ip("198.51.100.7"));
    }
}

//! The client side of inbox tests; the server is [`deflect_server::RunningInbox`].

use std::time::Duration;

/// A client that returns 4xx/5xx responses instead of turning them into errors.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

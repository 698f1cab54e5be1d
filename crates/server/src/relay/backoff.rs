//! When a failed delivery is tried again: exponentially later, with jitter so that a
//! destination coming back up is not hit by every waiting delivery at once, never
//! sooner than a `Retry-After` asked, and not at all once the retry window is over.

use std::time::Duration;

use super::config::RetryConfig;
use super::outbox::{Claim, Outcome};
use super::transport::Attempt;

/// The outbox outcome of `attempt`, made at `now_ms` for `claim`.
pub fn outcome(attempt: Attempt, claim: &Claim, retry: &RetryConfig, now_ms: u64) -> Outcome {
    let (error, not_before) = match attempt {
        Attempt::Delivered => return Outcome::Delivered,
        Attempt::Permanent { error } => return Outcome::GaveUp { error },
        Attempt::Skipped { reason } => return Outcome::Skipped { reason },
        Attempt::Transient { error, not_before } => (error, not_before),
    };
    let window_ms = retry.give_up_after_hours.saturating_mul(3_600_000);
    if now_ms.saturating_sub(claim.retrying_since_ms) >= window_ms {
        let hours = retry.give_up_after_hours;
        return Outcome::GaveUp {
            error: format!("{error} (gave up after {hours} h of retries)"),
        };
    }
    let wait = delay(claim.attempt, retry, jitter()).max(not_before.unwrap_or_default());
    let wait = wait.min(Duration::from_secs(retry.max_delay_secs.max(1)));
    Outcome::RetryAt {
        at_ms: now_ms + u64::try_from(wait.as_millis()).unwrap_or(u64::MAX / 2),
        error,
    }
}

/// The wait after the `attempt`th failure: `first × 2^(attempt-1)`, capped, scaled by
/// `jitter` (0.8–1.2).
pub fn delay(attempt: u32, retry: &RetryConfig, jitter: f64) -> Duration {
    let doublings = attempt.saturating_sub(1).min(30);
    let secs = retry
        .first_delay_secs
        .saturating_mul(1u64 << doublings)
        .min(retry.max_delay_secs);
    Duration::from_secs_f64(secs as f64 * jitter)
}

/// A factor in 0.8–1.2 from the system's random source.
fn jitter() -> f64 {
    let mut byte = [0u8; 1];
    let _ = getrandom::fill(&mut byte);
    0.8 + 0.4 * f64::from(byte[0]) / 255.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(attempt: u32, since: u64) -> Claim {
        Claim {
            ticket_id: "t".into(),
            event_key: "created".into(),
            destination: "d".into(),
            attempt,
            accepted_at_ms: since,
            retrying_since_ms: since,
        }
    }

    #[test]
    fn waits_double_up_to_the_cap() {
        let retry = RetryConfig {
            first_delay_secs: 10,
            max_delay_secs: 60,
            give_up_after_hours: 1,
        };
        let waits: Vec<u64> = (1..=5).map(|n| delay(n, &retry, 1.0).as_secs()).collect();
        assert_eq!(waits, [10, 20, 40, 60, 60]);
    }

    #[test]
    fn retry_after_is_honoured_and_the_window_ends_retries() {
        let retry = RetryConfig {
            first_delay_secs: 1,
            max_delay_secs: 600,
            give_up_after_hours: 1,
        };
        let busy = Attempt::Transient {
            error: "429".into(),
            not_before: Some(Duration::from_secs(300)),
        };
        match outcome(busy.clone(), &claim(1, 0), &retry, 1_000) {
            Outcome::RetryAt { at_ms, .. } => assert!(at_ms >= 301_000, "{at_ms}"),
            other => panic!("{other:?}"),
        }
        let late = outcome(busy, &claim(9, 0), &retry, 3_600_000);
        assert!(matches!(late, Outcome::GaveUp { .. }), "{late:?}");
        let refused = Attempt::Permanent {
            error: "550".into(),
        };
        assert!(matches!(
            outcome(refused, &claim(1, 0), &retry, 1),
            Outcome::GaveUp { .. }
        ));
    }
}

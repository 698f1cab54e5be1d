//! Login attempts, limited per client IP and per account (governor's keyed GCRA
//! limiters), so passwords cannot be guessed quickly from one address or against one
//! agent from many. An agent locked out by someone guessing waits at most a minute per
//! attempt; the limit is checked before the password is, so a guess beyond it costs
//! the server no hashing.

use std::fmt;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Attempts from one IP: this many at once…
const IP_BURST: u32 = 20;
/// …then one more each this often.
const IP_PERIOD: Duration = Duration::from_secs(3);
/// Attempts on one account: this many at once…
const ACCOUNT_BURST: u32 = 5;
/// …then one more each this often.
const ACCOUNT_PERIOD: Duration = Duration::from_secs(60);
/// Keys kept before idle ones are forgotten, so random emails cannot fill memory.
const MAX_KEYS: usize = 10_000;

/// The login limiters of one running inbox.
pub(crate) struct LoginLimits {
    by_ip: DefaultKeyedRateLimiter<IpAddr>,
    by_account: DefaultKeyedRateLimiter<String>,
}

impl fmt::Debug for LoginLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginLimits")
            .field("ips", &self.by_ip.len())
            .field("accounts", &self.by_account.len())
            .finish()
    }
}

fn quota(burst: u32, period: Duration) -> Quota {
    let burst = NonZeroU32::new(burst).expect("a burst of at least one");
    Quota::with_period(period)
        .expect("a non-zero period")
        .allow_burst(burst)
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            by_ip: RateLimiter::keyed(quota(IP_BURST, IP_PERIOD)),
            by_account: RateLimiter::keyed(quota(ACCOUNT_BURST, ACCOUNT_PERIOD)),
        }
    }
}

impl LoginLimits {
    /// Counts a login attempt from `ip` on `account`; `Err` says how long to wait.
    pub(crate) fn attempt(&self, ip: IpAddr, account: &str) -> Result<(), Duration> {
        if self.by_ip.len() > MAX_KEYS || self.by_account.len() > MAX_KEYS {
            self.by_ip.retain_recent();
            self.by_account.retain_recent();
        }
        let now = self.by_ip.clock().now();
        self.by_ip
            .check_key(&ip)
            .map_err(|not_until| not_until.wait_time_from(now))?;
        let account: String = account.trim().to_lowercase().chars().take(254).collect();
        self.by_account
            .check_key(&account)
            .map_err(|not_until| not_until.wait_time_from(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_limited_whatever_the_address() {
        let limits = LoginLimits::default();
        for n in 0..ACCOUNT_BURST {
            let ip = IpAddr::from([10, 0, 0, u8::try_from(n).unwrap()]);
            assert!(limits.attempt(ip, "Ann@Shop.example").is_ok());
        }
        let wait = limits
            .attempt(IpAddr::from([10, 0, 1, 1]), "ann@shop.example")
            .unwrap_err();
        assert!(
            wait > Duration::from_secs(50) && wait <= ACCOUNT_PERIOD,
            "{wait:?}"
        );
        assert!(
            limits
                .attempt(IpAddr::from([10, 0, 1, 1]), "bob@shop.example")
                .is_ok()
        );
    }

    #[test]
    fn an_address_is_limited_whatever_the_account() {
        let limits = LoginLimits::default();
        let ip = IpAddr::from([192, 0, 2, 7]);
        for n in 0..IP_BURST {
            assert!(limits.attempt(ip, &format!("user{n}@shop.example")).is_ok());
        }
        assert!(limits.attempt(ip, "someone-new@shop.example").is_err());
        assert!(
            limits
                .attempt(IpAddr::from([192, 0, 2, 8]), "x@shop.example")
                .is_ok()
        );
    }
}

//! Rate limits: `governor` keyed limiters (GCRA). A limit of N per T allows a burst of N
//! and refills at N per T, so after T of quiet the full allowance is back.

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::config::{RateSpec, Settings};
use crate::error::AppError;
use crate::metrics;

type Keyed = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>;

pub struct Limiter {
    inner: Keyed,
}

impl Limiter {
    pub fn new(spec: RateSpec) -> Limiter {
        let burst = NonZeroU32::new(spec.count).unwrap_or(NonZeroU32::MIN);
        let cell = spec.period / spec.count.max(1);
        let quota = Quota::with_period(cell)
            .unwrap_or_else(|| Quota::per_second(burst))
            .allow_burst(burst);
        Limiter {
            inner: RateLimiter::keyed(quota),
        }
    }

    /// Counts one request for `key`; refuses with a Retry-After when over the limit.
    pub fn check(&self, key: &str) -> Result<(), AppError> {
        match self.inner.check_key(&key.to_string()) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                metrics::global().rate_limited.inc();
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Err(AppError::RateLimited {
                    retry_after_secs: wait.as_secs().max(1),
                })
            }
        }
    }

    fn prune(&self) {
        self.inner.retain_recent();
        self.inner.shrink_to_fit();
    }

    pub fn len(&self) -> usize {
        self.inner.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
}

pub struct Limits {
    pub login: Limiter,
    pub auth: Limiter,
    pub api_user: Limiter,
    pub api_tenant: Limiter,
}

impl Limits {
    pub fn new(s: &Settings) -> Arc<Limits> {
        Arc::new(Limits {
            login: Limiter::new(s.rate_login),
            auth: Limiter::new(s.rate_auth),
            api_user: Limiter::new(s.rate_api_user),
            api_tenant: Limiter::new(s.rate_api_tenant),
        })
    }

    /// Forgets keys whose state is back to full, so the maps stay bounded.
    pub fn prune(&self) {
        for l in [&self.login, &self.auth, &self.api_user, &self.api_tenant] {
            l.prune();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn burst_then_refuse_with_retry_after() {
        let l = Limiter::new(RateSpec {
            count: 5,
            period: Duration::from_secs(900),
        });
        for _ in 0..5 {
            assert!(l.check("ip|t|e").is_ok());
        }
        match l.check("ip|t|e") {
            Err(AppError::RateLimited { retry_after_secs }) => {
                assert!((1..=180).contains(&retry_after_secs))
            }
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(l.check("ip|t|other").is_ok(), "keys are independent");
    }
}

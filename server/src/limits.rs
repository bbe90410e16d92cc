//! How much one visitor may ask of the server: messages per socket and per shopper,
//! widget sockets open per address, widget sessions and image uploads per address or
//! shopper. Each rate is a token bucket: a burst of `capacity` at once, then `capacity`
//! per `period` sustained. A refusal says when to try again, and refuses before anything
//! is stored, so nothing already accepted is lost.
//!
//! The buckets live in this node's memory. Several nodes each allow the rate: the
//! limits guard the inbox and the database from a flood, not exact quotas.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex, MutexGuard},
    time::{Duration, Instant},
};

/// A rate: a burst of `capacity`, refilled at `capacity` per `period`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub capacity: u32,
    pub period: Duration,
}

impl Rate {
    pub const fn new(capacity: u32, period_secs: u64) -> Self {
        Rate {
            capacity,
            period: Duration::from_secs(period_secs),
        }
    }

    /// `N/Ts`, e.g. `20/60s`: bursts of 20, 20 a minute sustained.
    pub fn parse(text: &str) -> Option<Self> {
        let (capacity, period) = text.trim().split_once('/')?;
        let capacity: u32 = capacity.trim().parse().ok().filter(|n| *n > 0)?;
        let seconds: u64 = period
            .trim()
            .strip_suffix('s')?
            .parse()
            .ok()
            .filter(|s| *s > 0)?;
        Some(Rate::new(capacity, seconds))
    }

    fn per_second(&self) -> f64 {
        f64::from(self.capacity) / self.period.as_secs_f64()
    }
}

/// The configured limits; `None` turns one off.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Messages one widget socket may send.
    pub socket_messages: Option<Rate>,
    /// Messages one shopper may send, over all their tabs and devices.
    pub shopper_messages: Option<Rate>,
    /// Widget sockets open at once from one address.
    pub sockets_per_address: Option<u32>,
    /// Widget sessions one address may start.
    pub sessions_per_address: Option<Rate>,
    /// Images one shopper may upload.
    pub shopper_uploads: Option<Rate>,
}

impl Default for Limits {
    /// Generous for people, tight for scripts: a shopper types far slower than 10
    /// messages in a burst and 20 a minute; a household or an office behind one address
    /// keeps well under 64 open widgets and 60 page views a minute.
    fn default() -> Self {
        Limits {
            socket_messages: Some(Rate::new(10, 30)),
            shopper_messages: Some(Rate::new(20, 60)),
            sockets_per_address: Some(64),
            sessions_per_address: Some(Rate::new(60, 60)),
            shopper_uploads: Some(Rate::new(10, 300)),
        }
    }
}

impl Limits {
    /// No limits at all (benchmarks that open thousands of sockets from loopback).
    pub fn none() -> Self {
        Limits {
            socket_messages: None,
            shopper_messages: None,
            sockets_per_address: None,
            sessions_per_address: None,
            shopper_uploads: None,
        }
    }
}

/// Refused: try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooFast {
    pub retry_after: Duration,
}

impl TooFast {
    /// Milliseconds to wait, rounded up: waiting that long is always enough.
    pub fn millis(&self) -> u64 {
        self.retry_after.as_micros().div_ceil(1000) as u64
    }

    /// Whole seconds to wait, at least one (what people are told).
    pub fn seconds(&self) -> u64 {
        self.retry_after.as_millis().div_ceil(1000).max(1) as u64
    }
}

/// One token bucket.
#[derive(Debug, Clone)]
pub struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl Bucket {
    pub fn full(rate: &Rate) -> Self {
        Bucket {
            tokens: f64::from(rate.capacity),
            updated: Instant::now(),
        }
    }

    /// Takes one token, or says how long until there is one.
    pub fn take(&mut self, rate: &Rate, now: Instant) -> Result<(), TooFast> {
        self.refill(rate, now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Ok(());
        }
        let missing = 1.0 - self.tokens;
        Err(TooFast {
            retry_after: Duration::from_secs_f64(missing / rate.per_second()),
        })
    }

    fn refill(&mut self, rate: &Rate, now: Instant) {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate.per_second()).min(f64::from(rate.capacity));
        self.updated = now;
    }

    fn is_full(&mut self, rate: &Rate, now: Instant) -> bool {
        self.refill(rate, now);
        self.tokens >= f64::from(rate.capacity)
    }
}

/// A bucket per key (a shopper, an address). A full bucket is the same as none, so the
/// map is swept of them whenever it has doubled since the last sweep: its size follows
/// the visitors active in the last `period`, not every visitor ever seen.
#[derive(Debug, Clone)]
pub struct KeyedLimiter<K> {
    rate: Option<Rate>,
    /// A std mutex, held only for a lookup or a sweep, never across an await.
    buckets: Arc<Mutex<Keyed<K>>>,
}

#[derive(Debug)]
struct Keyed<K> {
    buckets: HashMap<K, Bucket>,
    swept_at_len: usize,
}

impl<K: std::hash::Hash + Eq + Clone> KeyedLimiter<K> {
    pub fn new(rate: Option<Rate>) -> Self {
        KeyedLimiter {
            rate,
            buckets: Arc::new(Mutex::new(Keyed {
                buckets: HashMap::new(),
                swept_at_len: 0,
            })),
        }
    }

    /// Takes one of `key`'s tokens.
    pub fn check(&self, key: &K) -> Result<(), TooFast> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &K, now: Instant) -> Result<(), TooFast> {
        let Some(rate) = self.rate else {
            return Ok(());
        };
        let mut keyed = lock(&self.buckets);
        let taken = keyed
            .buckets
            .entry(key.clone())
            .or_insert_with(|| Bucket::full(&rate))
            .take(&rate, now);
        if keyed.buckets.len() >= (keyed.swept_at_len * 2).max(64) {
            keyed
                .buckets
                .retain(|_, bucket| !bucket.is_full(&rate, now));
            keyed.swept_at_len = keyed.buckets.len();
        }
        taken
    }

    /// Keys with a bucket, for tests.
    pub fn tracked(&self) -> usize {
        lock(&self.buckets).buckets.len()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Widget sockets open per address, with a cap.
#[derive(Debug, Clone)]
pub struct OpenSockets {
    cap: Option<u32>,
    open: Arc<Mutex<HashMap<IpAddr, u32>>>,
}

/// One counted socket; dropping it gives the place back.
#[derive(Debug)]
pub struct SocketPermit {
    address: IpAddr,
    open: Arc<Mutex<HashMap<IpAddr, u32>>>,
}

impl Drop for SocketPermit {
    fn drop(&mut self) {
        let mut open = lock(&self.open);
        if let Some(count) = open.get_mut(&self.address) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.address);
            }
        }
    }
}

impl OpenSockets {
    pub fn new(cap: Option<u32>) -> Self {
        OpenSockets {
            cap,
            open: Arc::default(),
        }
    }

    /// A place for one more socket from `address`, if it has fewer than the cap open.
    pub fn admit(&self, address: IpAddr) -> Option<SocketPermit> {
        let mut open = lock(&self.open);
        let count = open.entry(address).or_insert(0);
        if self.cap.is_some_and(|cap| *count >= cap) {
            if *count == 0 {
                open.remove(&address);
            }
            return None;
        }
        *count += 1;
        Some(SocketPermit {
            address,
            open: Arc::clone(&self.open),
        })
    }

    /// Addresses with sockets open, for tests.
    pub fn addresses(&self) -> usize {
        lock(&self.open).len()
    }
}

/// The limiters every node holds, made from [`Limits`].
#[derive(Debug, Clone)]
pub struct Limiters {
    pub limits: Limits,
    pub shopper_messages: KeyedLimiter<String>,
    pub sessions: KeyedLimiter<IpAddr>,
    pub uploads: KeyedLimiter<String>,
    pub sockets: OpenSockets,
}

impl Limiters {
    pub fn new(limits: Limits) -> Self {
        Limiters {
            shopper_messages: KeyedLimiter::new(limits.shopper_messages),
            sessions: KeyedLimiter::new(limits.sessions_per_address),
            uploads: KeyedLimiter::new(limits.shopper_uploads),
            sockets: OpenSockets::new(limits.sockets_per_address),
            limits,
        }
    }

    /// A fresh bucket for one new socket's messages (`None`: unlimited).
    pub fn socket_bucket(&self) -> Option<(Rate, Bucket)> {
        self.limits
            .socket_messages
            .map(|rate| (rate, Bucket::full(&rate)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_a_count_per_seconds() {
        assert_eq!(Rate::parse("20/60s"), Some(Rate::new(20, 60)));
        assert_eq!(Rate::parse(" 5 / 1s "), Some(Rate::new(5, 1)));
        for bad in ["20", "20/60", "0/60s", "20/0s", "x/60s", "-1/5s"] {
            assert_eq!(Rate::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_burst_passes_then_the_sustained_rate_with_a_wait_to_tell() {
        let rate = Rate::new(3, 30);
        let start = Instant::now();
        let mut bucket = Bucket::full(&rate);
        for _ in 0..3 {
            assert_eq!(bucket.take(&rate, start), Ok(()));
        }
        let refused = bucket.take(&rate, start).expect_err("past the burst");
        assert_eq!(refused.seconds(), 10, "one token every 10 s");
        // Ten seconds later, exactly one more.
        let later = start + Duration::from_secs(10);
        assert_eq!(bucket.take(&rate, later), Ok(()));
        assert!(bucket.take(&rate, later).is_err());
    }

    #[test]
    fn idle_keys_are_forgotten() {
        let limiter = KeyedLimiter::new(Some(Rate::new(10, 1)));
        let start = Instant::now();
        for key in 0..1000_u64 {
            // One new visitor every 10 ms: each bucket is full again 100 ms later.
            let now = start + Duration::from_millis(key * 10);
            limiter.check_at(&key, now).expect("under the rate");
        }
        // Only the last few hundred ms of visitors are held, not all thousand.
        assert!(limiter.tracked() <= 128, "{}", limiter.tracked());
    }

    #[test]
    fn sockets_per_address_are_capped_and_given_back() {
        let sockets = OpenSockets::new(Some(2));
        let here: IpAddr = [127, 0, 0, 1].into();
        let first = sockets.admit(here).expect("first");
        let second = sockets.admit(here).expect("second");
        assert!(sockets.admit(here).is_none());
        assert!(sockets.admit([10, 0, 0, 1].into()).is_some(), "per address");
        drop(first);
        let third = sockets.admit(here).expect("a place came free");
        drop((second, third));
        assert_eq!(sockets.addresses(), 0);
    }
}

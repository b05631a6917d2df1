//! Requests refused with "not found" to signed-in users, counted per day. An insider probing for
//! data outside their scope shows up as many of them; each is also logged at warn (by the server's
//! middleware) with who asked, as which role, where, and for which object (never its data).
//!
//! The count lives in the instance's memory: each instance counts what it answered, and the
//! count starts again at a restart. The log lines are the durable record.

use std::sync::atomic::{AtomicI64, Ordering};

#[derive(Debug, Default)]
pub struct Refusals {
    /// The day (days since 1970, UTC) the count is for, and the count, packed so that one atomic
    /// swap moves to a new day: day in the high 32 bits, count in the low 32.
    packed: AtomicI64,
}

impl Refusals {
    /// Counts one refusal on `day`.
    pub fn record(&self, day: i64) {
        let _ = self
            .packed
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |now| {
                let (d, n) = unpack(now);
                Some(if d == day {
                    pack(day, n.saturating_add(1))
                } else {
                    pack(day, 1)
                })
            });
    }

    /// Refusals counted on `day` (0 for any other day).
    pub fn on(&self, day: i64) -> i64 {
        let (d, n) = unpack(self.packed.load(Ordering::Relaxed));
        if d == day {
            n
        } else {
            0
        }
    }
}

fn pack(day: i64, n: i64) -> i64 {
    (day << 32) | (n & 0xFFFF_FFFF)
}

fn unpack(v: i64) -> (i64, i64) {
    (v >> 32, v & 0xFFFF_FFFF)
}

/// The day of a timestamp (seconds since 1970, UTC).
pub fn day_of(seconds: i64) -> i64 {
    seconds.div_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_counted_per_day_and_a_new_day_starts_at_one() {
        let r = Refusals::default();
        let today = day_of(1_796_300_000);
        assert_eq!(r.on(today), 0);
        r.record(today);
        r.record(today);
        assert_eq!(r.on(today), 2);
        assert_eq!(r.on(today - 1), 0);
        r.record(today + 1);
        assert_eq!(r.on(today + 1), 1);
        assert_eq!(r.on(today), 0, "yesterday's count is gone");
    }
}

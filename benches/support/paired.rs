//! Ratios measured in alternation: two closures timed in short batches, one after the
//! other, many rounds, and the median of the per-round ratios kept. Both sides of a round
//! run within milliseconds of each other, so a change of load on a shared machine moves them
//! together; criterion's rows, measured a minute apart, can each see a different machine.

use std::time::Duration;

use crate::cpu_time;

/// Rounds per ratio (odd: the median is one of them).
const ROUNDS: usize = 61;
/// The CPU time one batch aims at.
const BATCH: Duration = Duration::from_millis(2);

/// The median over the rounds of (time per call of `a`) / (time per call of `b`).
#[allow(clippy::cast_precision_loss)]
pub fn ratio(a: &mut dyn FnMut(), b: &mut dyn FnMut()) -> f64 {
    let (n_a, n_b) = (calibrate(a), calibrate(b));
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|round| {
            // Alternate which side goes first, so neither always follows the other.
            if round % 2 == 0 {
                let t_a = per_call(a, n_a);
                t_a / per_call(b, n_b)
            } else {
                let t_b = per_call(b, n_b);
                per_call(a, n_a) / t_b
            }
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ROUNDS / 2]
}

#[allow(clippy::cast_precision_loss)]
fn per_call(f: &mut dyn FnMut(), n: u64) -> f64 {
    let start = cpu_time::now();
    for _ in 0..n {
        f();
    }
    cpu_time::now().saturating_sub(start).as_nanos() as f64 / n as f64
}

/// Calls per batch: doubled until a batch takes [`BATCH`].
fn calibrate(f: &mut dyn FnMut()) -> u64 {
    let mut n = 1u64;
    loop {
        let start = cpu_time::now();
        for _ in 0..n {
            f();
        }
        if cpu_time::now().saturating_sub(start) >= BATCH || n >= 1 << 24 {
            return n;
        }
        n *= 2;
    }
}

//! A criterion measurement of the benchmark thread's own CPU time
//! (`CLOCK_THREAD_CPUTIME_ID`): on a machine shared with other work, wall time counts the
//! moments another process held the core, and rows measured a minute apart see different
//! loads, which skews the ratios between them; the thread's CPU time does not (caches and a
//! shared core still cost something). For single-threaded, CPU-bound rows only.

use std::time::Duration;

use criterion::Throughput;
use criterion::measurement::{Measurement, ValueFormatter};

/// The calling thread's CPU time.
pub struct ThreadCpu;

/// The CPU time this thread has used.
pub fn now() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(
        u64::try_from(t.tv_sec).unwrap_or(0),
        u32::try_from(t.tv_nsec).unwrap_or(0),
    )
}

impl Measurement for ThreadCpu {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        now()
    }

    fn end(&self, start: Duration) -> Duration {
        now().saturating_sub(start)
    }

    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    #[allow(clippy::cast_precision_loss)]
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &Nanoseconds
    }
}

/// Values in nanoseconds, shown in the unit that suits them.
struct Nanoseconds;

impl ValueFormatter for Nanoseconds {
    fn scale_values(&self, ns: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = match ns {
            n if n < 1e3 => (1.0, "ns"),
            n if n < 1e6 => (1e-3, "µs"),
            n if n < 1e9 => (1e-6, "ms"),
            _ => (1e-9, "s"),
        };
        for v in values {
            *v *= factor;
        }
        unit
    }

    #[allow(clippy::cast_precision_loss)]
    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let per = match *throughput {
            Throughput::Bits(n)
            | Throughput::Bytes(n)
            | Throughput::BytesDecimal(n)
            | Throughput::Elements(n)
            | Throughput::ElementsAndBytes { elements: n, .. } => n,
        } as f64;
        for v in values {
            *v = per * 1e9 / *v;
        }
        "/s"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

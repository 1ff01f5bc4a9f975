//! Criterion medians of the current run, read back from criterion's own estimates, so a bench
//! can print ratios between its rows (figures from one run only: the machine's load changes
//! between runs).

use std::path::PathBuf;
use std::time::SystemTime;

/// The estimates criterion wrote during this process's run.
pub struct Medians {
    started: SystemTime,
    dir: PathBuf,
}

impl Medians {
    /// Call before the benchmarks run: only estimates written after this are read.
    pub fn start() -> Self {
        let dir = std::env::var_os("CRITERION_HOME")
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("CARGO_TARGET_DIR").map(|t| PathBuf::from(t).join("criterion"))
            })
            .or_else(|| {
                // The bench runs as target/<profile>/deps/<name>-<hash>.
                let exe = std::env::current_exe().ok()?;
                Some(exe.parent()?.parent()?.parent()?.join("criterion"))
            })
            .unwrap_or_else(|| PathBuf::from("target/criterion"));
        Self {
            started: SystemTime::now(),
            dir,
        }
    }

    /// The median time of one iteration of `id` (`group/function`) in nanoseconds, if it ran
    /// in this process.
    pub fn ns(&self, id: &str) -> Option<f64> {
        let path = self.dir.join(id).join("new").join("estimates.json");
        let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
        if modified < self.started {
            return None;
        }
        let text = std::fs::read_to_string(&path).ok()?;
        let value: serde_json::Value = serde_json::from_str(&text).ok()?;
        value["median"]["point_estimate"].as_f64()
    }

    /// Elements per second of `id`, which handles `elements` per iteration.
    #[allow(dead_code, clippy::cast_precision_loss)]
    pub fn rate(&self, id: &str, elements: u64) -> Option<f64> {
        self.ns(id).map(|ns| elements as f64 * 1e9 / ns)
    }

    /// Prints `label: a / b = ratio` for the medians of `a` and `b`, or says which is missing.
    #[allow(dead_code)]
    pub fn ratio(&self, label: &str, a: &str, b: &str) {
        match (self.ns(a), self.ns(b)) {
            (Some(x), Some(y)) => println!("  {label:<44} {:>7.2}x  ({a} / {b})", x / y),
            _ => println!("  {label:<44}     n/a  (not run: {a}, {b})"),
        }
    }
}

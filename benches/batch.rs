//! `verify --batch` throughput on 1 and 2 threads, and the input file for measuring the
//! whole process.
//!
//! The input is 1M HS256 lines (secret `batch-secret-batch-secret-0123456789`): 80% valid,
//! 10% expired, 10% with a bad signature, judged at `--now 1700000000`. Each thread count runs
//! five times, the two taking turns, and the median is printed, in lines/s, with the CPU time
//! the process spent per line (user + system, from /proc on Linux): two threads costing no
//! more CPU per line than one is what lets the wall time halve on a quiet 2-core machine.
//!
//! ```sh
//! cargo bench --bench batch                          # 1M lines, 1 and 2 threads
//! cargo bench --bench batch -- --lines 200000        # a quicker run
//! cargo bench --bench batch -- --write /tmp/batch-1m.txt   # the file, for the real binary:
//! jwb verify --batch --secret batch-secret-batch-secret-0123456789 --now 1700000000 \
//!     --threads 2 < /tmp/batch-1m.txt > /dev/null
//! ```

use std::io::{self, BufWriter, Write as _};
use std::time::{Duration, Instant};

use jwt_workbench::cli::inspect::batch_threads;
use jwt_workbench::jose::claims::ClaimOptions;
use jwt_workbench::jose::key::{Key, KeySet, Secret};
use jwt_workbench::jose::report::{Extraction, Outcome};
use jwt_workbench::jose::verify::VerifyOptions;

const SECRET: &str = "batch-secret-batch-secret-0123456789";
const NOW: u64 = 1_700_000_000;
const DEFAULT_LINES: usize = 1_000_000;
const RUNS: usize = 5;

/// Line `i` of the input: valid, expired (every 10th from 0) or with a bad signature (every
/// 10th from 1), payloads of realistic size that differ from line to line.
fn line(i: usize, key: &Key, other: &Key) -> String {
    let (exp, key) = match i % 10 {
        0 => (NOW - 60, key),
        1 => (NOW + 3600, other),
        _ => (NOW + 3600, key),
    };
    let payload = format!(
        r#"{{"sub":"user-{i}","iss":"https://auth.example.com","iat":{},"exp":{exp},"scope":"read write","sid":"{:016x}"}}"#,
        NOW - 600,
        (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    );
    jwt_workbench::jose::sign::sign(r#"{"alg":"HS256","typ":"JWT"}"#, &payload, Some(key))
        .expect("the bench's tokens sign")
}

fn input(lines: usize) -> Vec<u8> {
    let key = Key::from_secret(Secret::new(SECRET.as_bytes().to_vec()));
    let other = Key::from_secret(Secret::new(b"not-the-batch-secret-0123456789-xyz".to_vec()));
    let mut text = Vec::with_capacity(lines * 260);
    for i in 0..lines {
        text.extend_from_slice(line(i, &key, &other).as_bytes());
        text.push(b'\n');
    }
    text
}

/// CPU time of this process so far (user + system), where /proc tells it.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at field 3.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux configuration in use.
    Some(Duration::from_millis(ticks * 10))
}

struct Run {
    wall: Duration,
    cpu: Option<Duration>,
}

fn run(input: &[u8], threads: usize) -> Run {
    let keys = KeySet::secret(Secret::from_utf8(SECRET));
    let claims = ClaimOptions {
        now: f64::from(u32::try_from(NOW).expect("fits")),
        ..ClaimOptions::default()
    };
    let cpu = cpu_time();
    let started = Instant::now();
    let outcome = batch_threads(
        input,
        io::sink(),
        Some(&keys),
        VerifyOptions::default(),
        &claims,
        Extraction::Strict,
        threads,
        None,
        &jwt_workbench::jose::sdjwt::KbPolicy::default(),
    )
    .expect("the batch runs");
    let wall = started.elapsed();
    assert_eq!(
        outcome,
        Outcome::SignatureFailed,
        "bad signatures are the worst lines"
    );
    Run {
        wall,
        cpu: cpu
            .zip(cpu_time())
            .map(|(before, after)| after.saturating_sub(before)),
    }
}

fn median(mut runs: Vec<Run>) -> Run {
    runs.sort_by_key(|r| r.wall);
    runs.swap_remove(runs.len() / 2)
}

#[allow(clippy::cast_precision_loss)]
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let lines = value("--lines").map_or(DEFAULT_LINES, |n| {
        n.parse().expect("--lines takes a number")
    });
    if let Some(path) = value("--write") {
        let file = std::fs::File::create(path).expect("creates the file");
        let mut out = BufWriter::new(file);
        out.write_all(&input(lines)).expect("writes the file");
        out.flush().expect("writes the file");
        println!("{lines} lines written to {path}");
        return;
    }
    // `cargo test --benches` runs benches once as tests: keep that quick.
    let lines = if args.iter().any(|a| a == "--bench") {
        lines
    } else {
        lines.min(20_000)
    };
    let text = input(lines);
    println!(
        "verify --batch, {lines} HS256 lines ({:.0} MB), median of {RUNS} runs:",
        text.len() as f64 / 1e6
    );
    // The thread counts take turns, so a change of load on a shared machine falls on both.
    let mut runs: [Vec<Run>; 2] = [Vec::new(), Vec::new()];
    for _ in 0..RUNS {
        for (threads, results) in [1, 2].into_iter().zip(&mut runs) {
            results.push(run(&text, threads));
        }
    }
    let mut rates = Vec::new();
    for (threads, results) in [1, 2].into_iter().zip(runs) {
        let result = median(results);
        let rate = lines as f64 / result.wall.as_secs_f64();
        let cpu = result.cpu.map_or_else(
            || "n/a".to_owned(),
            |cpu| format!("{:.0} ns", cpu.as_secs_f64() * 1e9 / lines as f64),
        );
        println!(
            "  {threads} thread{}  {:>7.3} s  {:>9.0} lines/s  CPU per line {cpu}",
            if threads == 1 { " " } else { "s" },
            result.wall.as_secs_f64(),
            rate
        );
        rates.push(rate);
    }
    println!(
        "  2 threads / 1 thread: {:.2}x (meaningful on an otherwise idle machine only)",
        rates[1] / rates[0]
    );
}

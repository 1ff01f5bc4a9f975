//! Weak-secret search speed against the hardware limit, and the scaling of the threaded search.
//!
//! The limit is what the compression function allows: an HS256 candidate with a 150-byte
//! signing input costs 6 compressions (key block, 3 message blocks, outer key block, outer
//! tail), so candidates/s cannot beat the rate of those 6. They are not alike: the key blocks
//! and the outer tail differ for every candidate and compute their message schedule with the
//! rounds (on this CPU's SHA unit the schedule costs about a third more), while the message
//! blocks are the same for every candidate and their schedule is precomputed, so only the
//! rounds run. The ceilings: the single stream (each compression waits for the previous one,
//! every schedule computed), and the interleaved one: the same lanes the search runs in
//! lockstep, compressions only, in a candidate's mix (3 computed, 3 precomputed). The SHA-NI
//! rows run only on a CPU with the SHA extensions; the portable rows everywhere. HS384/HS512
//! have their own figure (the portable SHA-512 path). The last row runs the real binary,
//! whole process, `jwb audit TOKEN --wordlist FILE --threads 2` on 4M random words, and is set
//! against the interleaved mix on all cores at once. The ratios are printed at the end, from
//! this run's medians. Quick run: `cargo bench --bench crack -- --warm-up-time 1
//! --measurement-time 3`; only the whole-process figure and its ceiling: `cargo bench --bench
//! crack -- 'all_cores|whole'`.

// Only `now` is used here; the criterion measurement in the file serves other benches.
#[allow(dead_code)]
#[path = "support/cpu_time.rs"]
mod cpu_time;
#[path = "support/medians.rs"]
mod medians;
#[path = "support/paired.rs"]
mod paired;

use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::AtomicBool;

use criterion::{Criterion, Throughput};
use jwt_workbench::audit::crack::{
    BlockSchedule::{Computed, Precomputed},
    CandidateSource, CrackOptions, Hash, LANES, Progress, Rules, Target, compression_ceiling,
    crack,
};
use medians::Medians;
use sha2::digest::consts::U64;
use sha2::digest::generic_array::GenericArray;

/// A signing input of 150 bytes, the size of a small real token's `header.payload`.
const SIGNING_INPUT: &[u8] = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0.abcdefghijklmnopqrstu";

const CANDIDATES_PER_ITER: usize = 4096;
const COMPRESSIONS_PER_ITER: u64 = 4096;
const CRACK_CANDIDATES: usize = 2_000_000;
const COMPRESSIONS_PER_CANDIDATE: usize = 6;
/// Of which the key blocks and the outer tail compute their schedule; the rest (the
/// signing-input blocks) read it precomputed.
const COMPUTED_PER_CANDIDATE: usize = 3;
/// How many times longer each thread of the all-core ceiling runs than one iteration of the
/// single-core rows, so that starting the threads is negligible.
const ALL_CORES_REPEAT: usize = 64;
/// Words in the whole-process run's list.
const PROCESS_WORDS: usize = 4_000_000;

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// A signature no candidate reproduces, so every candidate is tested in full.
fn target(hash: Hash) -> Target {
    assert_eq!(SIGNING_INPUT.len(), 150);
    let signature = vec![0x42; hash.output_len()];
    Target::new(hash, SIGNING_INPUT, &signature).expect("valid target")
}

fn candidates(count: usize) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| format!("candidate{i}").into_bytes())
        .collect()
}

/// The compressions of `candidates` HS256 candidates over the 150-byte signing input, in the
/// search's lanes and nothing else: per candidate, the two key blocks and the outer tail with
/// their schedule computed, the three signing-input blocks with it precomputed.
fn candidate_compressions(candidates: usize) -> Option<[u32; 8]> {
    let words = [0x5a5a_5a5a; 16];
    let per_kind = candidates * COMPUTED_PER_CANDIDATE;
    let computed = compression_ceiling(per_kind, LANES, black_box(words), Computed)?;
    let precomputed = compression_ceiling(
        candidates * (COMPRESSIONS_PER_CANDIDATE - COMPUTED_PER_CANDIDATE),
        LANES,
        black_box(words),
        Precomputed,
    )?;
    Some(std::array::from_fn(|i| computed[i] ^ precomputed[i]))
}

fn compression(c: &mut Criterion) {
    let mut group = c.benchmark_group("sha256_compress");
    group.throughput(Throughput::Elements(COMPRESSIONS_PER_ITER));
    let block = GenericArray::<u8, U64>::from([0x5a; 64]);
    group.bench_function("portable_1_stream", |b| {
        b.iter(|| {
            let mut state = [0x6a09_e667u32; 8];
            for _ in 0..COMPRESSIONS_PER_ITER {
                sha2::compress256(&mut state, std::slice::from_ref(black_box(&block)));
            }
            state
        });
    });
    group.bench_function("portable_4_streams", |b| {
        b.iter(|| {
            let mut states = [[0x6a09_e667u32; 8], [1; 8], [2; 8], [3; 8]];
            for _ in 0..COMPRESSIONS_PER_ITER / 4 {
                for state in &mut states {
                    sha2::compress256(state, std::slice::from_ref(black_box(&block)));
                }
            }
            states
        });
    });
    let words = [0x5a5a_5a5a; 16];
    let rounds = usize::try_from(COMPRESSIONS_PER_ITER).unwrap_or(usize::MAX);
    if compression_ceiling(1, 1, words, Computed).is_some() {
        group.bench_function("sha_ni_1_stream", |b| {
            b.iter(|| compression_ceiling(black_box(rounds), 1, black_box(words), Computed));
        });
        group.bench_function("sha_ni_interleaved", |b| {
            b.iter(|| compression_ceiling(black_box(rounds), LANES, black_box(words), Computed));
        });
        group.bench_function("sha_ni_interleaved_precomputed", |b| {
            b.iter(|| compression_ceiling(black_box(rounds), LANES, black_box(words), Precomputed));
        });
        // A candidate's compressions, on every core at once: the ceiling the threaded search
        // is held to, measured under whatever else the machine is running. Each thread runs
        // long enough (about 20 ms on an idle machine) that starting it costs under 1%.
        let cores = cores();
        let candidates = rounds * ALL_CORES_REPEAT / COMPRESSIONS_PER_CANDIDATE;
        group.throughput(Throughput::Elements((candidates * cores) as u64));
        group.bench_function("sha_ni_candidates_all_cores", |b| {
            b.iter(|| {
                std::thread::scope(|scope| {
                    let handles: Vec<_> = (0..cores)
                        .map(|_| scope.spawn(|| candidate_compressions(black_box(candidates))))
                        .collect();
                    handles.into_iter().filter_map(|h| h.join().ok()).count()
                })
            });
        });
    }
    group.finish();
}

fn per_core(c: &mut Criterion) {
    let owned = candidates(CANDIDATES_PER_ITER);
    let refs: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
    let mut group = c.benchmark_group("hs256_150b");
    group.throughput(Throughput::Elements(CANDIDATES_PER_ITER as u64));
    let fast = target(Hash::Sha256);
    if fast.uses_sha_ni() {
        group.bench_function("sha_ni", |b| {
            b.iter(|| fast.first_match(black_box(&refs)));
        });
    }
    let portable = target(Hash::Sha256).portable();
    group.bench_function("portable", |b| {
        b.iter(|| portable.first_match(black_box(&refs)));
    });
    group.bench_function("portable_check_one", |b| {
        b.iter(|| {
            refs.iter()
                .filter(|c| portable.check_one(black_box(c)))
                .count()
        });
    });
    group.finish();

    let mut group = c.benchmark_group("hs512_150b");
    group.throughput(Throughput::Elements(CANDIDATES_PER_ITER as u64));
    for hash in [Hash::Sha384, Hash::Sha512] {
        let target = target(hash);
        group.bench_function(hash.hmac_alg().name(), |b| {
            b.iter(|| target.first_match(black_box(&refs)));
        });
    }
    group.finish();
}

fn threaded(c: &mut Criterion) {
    let target = target(Hash::Sha256);
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    for candidate in candidates(CRACK_CANDIDATES) {
        file.write_all(&candidate).expect("write");
        file.write_all(b"\n").expect("write");
    }
    file.flush().expect("flush");
    let sources = [CandidateSource::File(file.path().to_path_buf())];
    let cancel = AtomicBool::new(false);

    let mut group = c.benchmark_group("crack_2m_hs256_150b");
    group.sample_size(10);
    group.throughput(Throughput::Elements(CRACK_CANDIDATES as u64));
    for threads in [1, 2] {
        let options = CrackOptions {
            threads,
            rules: Rules::None,
            ..CrackOptions::default()
        };
        group.bench_function(format!("{threads}_threads"), |b| {
            b.iter(|| {
                let outcome = crack(&target, &sources, &options, &Progress::new(), &cancel)
                    .expect("crack runs");
                assert_eq!(outcome.tried, CRACK_CANDIDATES as u64);
                outcome.found.is_some()
            });
        });
    }
    group.finish();
}

/// `n` random words of 6 to 14 letters and digits, one per line (a fixed xorshift sequence,
/// so every run searches the same list).
fn random_words(n: usize, out: &mut impl Write) {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut word = Vec::with_capacity(16);
    for _ in 0..n {
        word.clear();
        let len = 6 + next() % 9;
        for _ in 0..len {
            word.push(ALPHABET[usize::try_from(next() % ALPHABET.len() as u64).unwrap_or(0)]);
        }
        word.push(b'\n');
        out.write_all(&word).expect("write");
    }
}

/// The `jwb` binary the whole-process rows run: `JWB_BIN`, else the one cargo built beside
/// this bench (`target/release/jwb`). The benches are a package of their own, so cargo does not
/// build the binary for them: `cargo build --release` first.
fn jwb_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("JWB_BIN") {
        return Some(PathBuf::from(path));
    }
    // target/release/deps/crack-HASH -> target/release/jwb
    let exe = std::env::current_exe().ok()?;
    let beside = exe.parent()?.parent()?.join("jwb");
    beside.is_file().then_some(beside)
}

/// What the whole-process runs need: the binary, the list (deleted on drop) and the token.
struct ProcessRun {
    jwb: PathBuf,
    list: tempfile::NamedTempFile,
    token: String,
}

impl ProcessRun {
    /// Runs `jwb audit TOKEN --wordlist LIST --threads 2` once; every word is tried.
    fn run(&self) {
        let out = Command::new(&self.jwb)
            .arg("audit")
            .arg(&self.token)
            .arg("--wordlist")
            .arg(self.list.path())
            .args(["--threads", "2"])
            .output()
            .expect("jwb runs");
        // Exit 0: nothing of high severity and the secret not found, every word tried.
        assert_eq!(out.status.code(), Some(0), "{out:?}");
    }
}

/// The real binary, whole process: start-up, reading and splitting the list, the threads.
/// `None`, said on the terminal, when there is no binary to run.
fn whole_process(c: &mut Criterion) -> Option<ProcessRun> {
    let Some(jwb) = jwb_binary() else {
        println!(
            "skipped the whole-process rows: no target/release/jwb (run `cargo build --release` \
             first, or set JWB_BIN)"
        );
        return None;
    };
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    {
        let mut out = BufWriter::new(file.as_file_mut());
        random_words(PROCESS_WORDS, &mut out);
        out.flush().expect("flush");
    }
    // A signing input of 120 to 183 bytes takes 3 blocks after the key block: 6 compressions
    // per candidate, as the ceiling assumes. The secret has 26 characters, so no 6-14
    // character word is it.
    let key = jwt_workbench::jose::key::Key::from_secret(jwt_workbench::jose::key::Secret::new(
        b"not-in-any-list-0123456789".to_vec(),
    ));
    let token = jwt_workbench::jose::sign::sign(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"sub":"1234567890","name":"John Doe","admin":true,"iat":1516239022,"r":"x"}"#,
        Some(&key),
    )
    .expect("signs");
    let signing_input = token.rsplit_once('.').expect("three parts").0;
    let target = Target::new(Hash::Sha256, signing_input.as_bytes(), &[0; 32]).expect("target");
    assert_eq!(
        target.compressions_per_candidate(),
        COMPRESSIONS_PER_CANDIDATE
    );
    let run = ProcessRun {
        jwb,
        list: file,
        token,
    };
    let mut group = c.benchmark_group("audit_process_4m_hs256");
    group.sample_size(10);
    group.throughput(Throughput::Elements(PROCESS_WORDS as u64));
    group.bench_function("whole_process_2_threads", |b| b.iter(|| run.run()));
    group.finish();
    Some(run)
}

/// The whole process against the ceiling by CPU time rather than the wall clock, which a
/// shared machine distorts: a candidate's compressions in lanes on this thread for about a
/// second of CPU,
/// then three runs of the process, whose CPU time per thread is what the wall clock shows on
/// an idle machine when both threads stay busy. Returns candidates per second on 2 cores for
/// (the ceiling, the process).
#[allow(clippy::cast_precision_loss)]
fn by_cpu_time(process: &ProcessRun) -> Option<(f64, f64)> {
    let candidates = 64 * 4096 / COMPRESSIONS_PER_CANDIDATE;
    candidate_compressions(1)?;
    // Alternated, so both see the same machine: a third of a second of the ceiling, then a
    // run of the process, five times.
    let (mut ceiling_cpu, mut ceiling_done) = (0.0, 0usize);
    let mut process_cpu = 0.0;
    let runs = 5;
    for _ in 0..runs {
        let start = cpu_time::now();
        while cpu_time::now().saturating_sub(start) < std::time::Duration::from_millis(300) {
            black_box(candidate_compressions(black_box(candidates)));
            ceiling_done += candidates;
        }
        ceiling_cpu += cpu_time::now().saturating_sub(start).as_secs_f64();
        let start = cpu::children();
        process.run();
        process_cpu += cpu::children().saturating_sub(start).as_secs_f64();
    }
    let ceiling = 2.0 * ceiling_done as f64 / ceiling_cpu;
    // CPU time per thread: what the wall clock shows on an idle machine when both threads
    // stay busy.
    let rate = (runs * PROCESS_WORDS) as f64 / (process_cpu / 2.0);
    Some((ceiling, rate))
}

/// The search on one core against the interleaved ceiling, measured in alternation by this
/// thread's CPU time (`support/paired.rs`): 4096 candidates searched, against the same
/// candidates' compressions alone. Below 1.0 the search does work besides compressing.
fn paired_search() -> Option<f64> {
    let fast = target(Hash::Sha256);
    if !fast.uses_sha_ni() {
        return None;
    }
    let owned = candidates(CANDIDATES_PER_ITER);
    let refs: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
    let mut ceiling = || {
        black_box(candidate_compressions(black_box(CANDIDATES_PER_ITER)));
    };
    let mut search = || {
        black_box(fast.first_match(black_box(&refs)));
    };
    Some(paired::ratio(&mut ceiling, &mut search))
}

/// Children's CPU time from /proc (Linux; zero elsewhere).
mod cpu {
    use std::time::Duration;

    /// CPU time (user + system) of this process's children that have been waited for, in
    /// clock ticks of 10 ms: each run of the process takes hundreds of them.
    pub fn children() -> Duration {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        // Fields after the command name (which may hold spaces) start at field 3; cutime and
        // cstime are fields 16 and 17.
        let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let ticks: u64 = rest
            .split_whitespace()
            .skip(16 - 3)
            .take(2)
            .map(|f| f.parse::<u64>().unwrap_or(0))
            .sum();
        // USER_HZ is 100 on every Linux configuration in use.
        Duration::from_millis(ticks * 10)
    }
}

fn mega(rate: Option<f64>) -> String {
    rate.map_or_else(|| "n/a".to_owned(), |r| format!("{:.2} M/s", r / 1e6))
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:.2}x", a / b),
        _ => "n/a".to_owned(),
    }
}

/// Candidates/s from the rates of compressions computing their schedule and of those with
/// it precomputed: a candidate has 3 of the first and the rest of the second.
#[allow(clippy::cast_precision_loss)]
fn mix(computed: Option<f64>, precomputed: Option<f64>) -> Option<f64> {
    let per_candidate = COMPRESSIONS_PER_CANDIDATE as f64;
    let computed_share = COMPUTED_PER_CANDIDATE as f64;
    Some(1.0 / (computed_share / computed? + (per_candidate - computed_share) / precomputed?))
}

#[allow(clippy::cast_precision_loss, clippy::too_many_lines)]
fn summary(m: &Medians, cpu: Option<(f64, f64)>, paired: Option<f64>) {
    let per_candidate = COMPRESSIONS_PER_CANDIDATE as f64;
    let compressions = |id: &str| m.rate(&format!("sha256_compress/{id}"), COMPRESSIONS_PER_ITER);
    let ceiling = |id: &str| compressions(id).map(|r| r / per_candidate);
    let (single, computed) = (ceiling("sha_ni_1_stream"), ceiling("sha_ni_interleaved"));
    let interleaved = mix(
        compressions("sha_ni_interleaved"),
        compressions("sha_ni_interleaved_precomputed"),
    );
    let (p_single, p_multi) = (ceiling("portable_1_stream"), ceiling("portable_4_streams"));
    let per_core = |id: &str| m.rate(&format!("hs256_150b/{id}"), CANDIDATES_PER_ITER as u64);
    let sha_ni = per_core("sha_ni");
    let portable = per_core("portable");
    let threads = |n: u32| {
        m.rate(
            &format!("crack_2m_hs256_150b/{n}_threads"),
            CRACK_CANDIDATES as u64,
        )
    };
    let cores = cores();
    let all_candidates = COMPRESSIONS_PER_ITER * ALL_CORES_REPEAT as u64
        / COMPRESSIONS_PER_CANDIDATE as u64
        * cores as u64;
    let all_ceiling = m.rate(
        "sha256_compress/sha_ni_candidates_all_cores",
        all_candidates,
    );
    println!();
    println!(
        "HS256, 150-byte signing input, 6 compressions per candidate (3 computing their \
         schedule: key blocks, outer tail; 3 with it precomputed: the signing input); medians \
         of this run:"
    );
    println!("  ceilings, candidates/s per core:");
    println!(
        "    SHA-NI single stream, all 6 computed     {}",
        mega(single)
    );
    println!(
        "    SHA-NI interleaved, all 6 computed       {}",
        mega(computed)
    );
    println!(
        "    SHA-NI interleaved, a candidate's mix    {}  (the ceiling)",
        mega(interleaved)
    );
    println!(
        "    portable single stream                   {}",
        mega(p_single)
    );
    println!(
        "    portable 4 streams                       {}",
        mega(p_multi)
    );
    println!(
        "    SHA-NI interleaved mix, {cores} cores at once  {}",
        mega(all_ceiling)
    );
    println!("  search, one core:");
    println!(
        "    SHA-NI lanes               {}  = {} of the interleaved ceiling, {} of single-stream",
        mega(sha_ni),
        ratio(sha_ni, interleaved),
        ratio(sha_ni, single)
    );
    println!(
        "      paired by CPU time against the interleaved ceiling (load-independent): {}",
        paired.map_or_else(|| "n/a".to_owned(), |r| format!("{r:.2}x"))
    );
    println!(
        "    portable                   {}  = {} of its 4-stream ceiling; SHA-NI is {} of it",
        mega(portable),
        ratio(portable, p_multi),
        ratio(sha_ni, portable)
    );
    println!("  threaded search over a 2M-line file (reading included):");
    println!("    1 thread                   {}", mega(threads(1)));
    println!(
        "    2 threads                  {}  = {} of the all-core interleaved ceiling",
        mega(threads(2)),
        ratio(threads(2), all_ceiling)
    );
    let process = m.rate(
        "audit_process_4m_hs256/whole_process_2_threads",
        PROCESS_WORDS as u64,
    );
    println!(
        "  jwb audit --wordlist (4M words) --threads 2, whole process: {}  = {} of the \
         all-core interleaved ceiling",
        mega(process),
        ratio(process, all_ceiling)
    );
    let (cpu_ceiling, cpu_process) = (cpu.map(|c| c.0), cpu.map(|c| c.1));
    println!(
        "    by CPU time (load-independent): ceiling {} on 2 cores, process {} on 2 \
         threads = {}",
        mega(cpu_ceiling),
        mega(cpu_process),
        ratio(cpu_process, cpu_ceiling)
    );
    let sha512 = |alg: &str| m.rate(&format!("hs512_150b/{alg}"), CANDIDATES_PER_ITER as u64);
    println!(
        "  HS384 (portable)             {} per core;  HS512 {}",
        mega(sha512("HS384")),
        mega(sha512("HS512"))
    );
}

fn main() {
    let medians = Medians::start();
    let mut c = Criterion::default().configure_from_args();
    compression(&mut c);
    per_core(&mut c);
    threaded(&mut c);
    let process = whole_process(&mut c);
    c.final_summary();
    // Only when this run measured the whole process (a filter may leave it out).
    let cpu = medians
        .rate(
            "audit_process_4m_hs256/whole_process_2_threads",
            PROCESS_WORDS as u64,
        )
        .and(process.as_ref())
        .and_then(by_cpu_time);
    let paired = medians
        .rate("hs256_150b/sha_ni", CANDIDATES_PER_ITER as u64)
        .and_then(|_| paired_search());
    summary(&medians, cpu, paired);
}

//! Weak-secret search speed against the hardware limit, and the scaling of the threaded search.
//!
//! The limit is what the compression function allows: an HS256 candidate with a 150-byte
//! signing input costs 6 compressions (key block, 3 message blocks, outer key block, outer
//! tail), so candidates/s cannot beat compressions/s divided by 6. Two ceilings are measured:
//! the single stream (each compression waits for the previous one) and the interleaved one,
//! the same lanes the search runs in lockstep, compressions only. The SHA-NI rows run only on
//! a CPU with the SHA extensions; the portable rows everywhere. HS384/HS512 have their own
//! figure (the portable SHA-512 path). The ratios are printed at the end, from this run's
//! medians. Quick run: `cargo bench --bench crack -- --warm-up-time 1 --measurement-time 3`.

#[path = "support/medians.rs"]
mod medians;

use std::hint::black_box;
use std::io::Write;
use std::sync::atomic::AtomicBool;

use criterion::{Criterion, Throughput};
use jwt_workbench::audit::crack::{
    CandidateSource, CrackOptions, HmacHash, LANES, Progress, Rules, Target, compression_ceiling,
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
const COMPRESSIONS_PER_CANDIDATE: u64 = 6;

/// A signature no candidate reproduces, so every candidate is tested in full.
fn target(hash: HmacHash) -> Target {
    assert_eq!(SIGNING_INPUT.len(), 150);
    let signature = vec![0x42; hash.output_len()];
    Target::new(hash, SIGNING_INPUT, &signature).expect("valid target")
}

fn candidates(count: usize) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| format!("candidate{i}").into_bytes())
        .collect()
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
    if compression_ceiling(1, 1, words).is_some() {
        group.bench_function("sha_ni_1_stream", |b| {
            b.iter(|| compression_ceiling(black_box(rounds), 1, black_box(words)));
        });
        group.bench_function("sha_ni_interleaved", |b| {
            b.iter(|| compression_ceiling(black_box(rounds), LANES, black_box(words)));
        });
    }
    group.finish();
}

fn per_core(c: &mut Criterion) {
    let owned = candidates(CANDIDATES_PER_ITER);
    let refs: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
    let mut group = c.benchmark_group("hs256_150b");
    group.throughput(Throughput::Elements(CANDIDATES_PER_ITER as u64));
    let fast = target(HmacHash::Sha256);
    if fast.uses_sha_ni() {
        group.bench_function("sha_ni", |b| {
            b.iter(|| fast.first_match(black_box(&refs)));
        });
    }
    let portable = target(HmacHash::Sha256).portable();
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
    for hash in [HmacHash::Sha384, HmacHash::Sha512] {
        let target = target(hash);
        group.bench_function(hash.alg(), |b| {
            b.iter(|| target.first_match(black_box(&refs)));
        });
    }
    group.finish();
}

fn threaded(c: &mut Criterion) {
    let target = target(HmacHash::Sha256);
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

fn mega(rate: Option<f64>) -> String {
    rate.map_or_else(|| "n/a".to_owned(), |r| format!("{:.2} M/s", r / 1e6))
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:.2}x", a / b),
        _ => "n/a".to_owned(),
    }
}

#[allow(clippy::cast_precision_loss)]
fn summary(m: &Medians) {
    let per_candidate = COMPRESSIONS_PER_CANDIDATE as f64;
    let ceiling = |id: &str| {
        m.rate(&format!("sha256_compress/{id}"), COMPRESSIONS_PER_ITER)
            .map(|r| r / per_candidate)
    };
    let (single, interleaved) = (ceiling("sha_ni_1_stream"), ceiling("sha_ni_interleaved"));
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
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let all_ceiling = interleaved.map(|r| r * cores.min(2) as f64);
    println!();
    println!("HS256, 150-byte signing input, 6 compressions per candidate; medians of this run:");
    println!("  ceilings (candidates/s per core = compressions/s / 6):");
    println!("    SHA-NI single stream       {}", mega(single));
    println!("    SHA-NI interleaved         {}", mega(interleaved));
    println!("    portable single stream     {}", mega(p_single));
    println!("    portable 4 streams         {}", mega(p_multi));
    println!("  search, one core:");
    println!(
        "    SHA-NI lanes               {}  = {} of the interleaved ceiling, {} of single-stream",
        mega(sha_ni),
        ratio(sha_ni, interleaved),
        ratio(sha_ni, single)
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
        "    2 threads                  {}  = {} of 2 x interleaved ceiling",
        mega(threads(2)),
        ratio(threads(2), all_ceiling)
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
    c.final_summary();
    summary(&medians);
}

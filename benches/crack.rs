//! Weak-secret search speed: candidates per second per core against the SHA-256 compression
//! limit, and the scaling of the threaded search.
//!
//! The limit is what the raw compression function allows: a candidate for HS256 with a
//! 150-byte signing input costs 6 compressions (key block, 3 message blocks, outer key
//! block, outer tail), so candidates/s cannot beat compressions/s divided by 6. Both the
//! chained rate (one state, each compression waiting for the previous one) and the rate with
//! four independent states are measured, since the search interleaves four candidates.

use std::hint::black_box;
use std::io::Write;
use std::sync::atomic::AtomicBool;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jwt_workbench::audit::crack::{
    CandidateSource, CrackOptions, HmacHash, LANES, Progress, Rules, Target, crack,
};
use sha2::digest::consts::U64;
use sha2::digest::generic_array::GenericArray;

/// A signing input of 150 bytes, the size of a small real token's `header.payload`.
const SIGNING_INPUT: &[u8] = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0.abcdefghijklmnopqrstu";

const CANDIDATES_PER_ITER: usize = 4096;
const COMPRESSIONS_PER_ITER: u64 = 4096;
const CRACK_CANDIDATES: usize = 2_000_000;

/// A signature no candidate reproduces, so every candidate is tested in full.
fn target() -> Target {
    assert_eq!(SIGNING_INPUT.len(), 150);
    let target = Target::new(HmacHash::Sha256, SIGNING_INPUT, &[0x42; 32]).expect("valid target");
    assert_eq!(target.compressions_per_candidate(), 6);
    target
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
    group.bench_function("chained", |b| {
        b.iter(|| {
            let mut state = [0x6a09_e667u32; 8];
            for _ in 0..COMPRESSIONS_PER_ITER {
                sha2::compress256(&mut state, std::slice::from_ref(black_box(&block)));
            }
            state
        });
    });
    group.bench_function("4_independent", |b| {
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
    group.finish();
}

fn per_core(c: &mut Criterion) {
    let target = target();
    let owned = candidates(CANDIDATES_PER_ITER);
    let refs: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
    let mut group = c.benchmark_group("hs256_150b");
    group.throughput(Throughput::Elements(CANDIDATES_PER_ITER as u64));
    group.bench_function("check_one", |b| {
        b.iter(|| {
            refs.iter()
                .filter(|c| target.check_one(black_box(c)))
                .count()
        });
    });
    group.bench_function("check_batch", |b| {
        b.iter(|| {
            refs.chunks_exact(LANES)
                .map(|lanes| {
                    let lanes: [&[u8]; LANES] = std::array::from_fn(|i| lanes[i]);
                    target
                        .check_batch(black_box(lanes))
                        .iter()
                        .filter(|&&hit| hit)
                        .count()
                })
                .sum::<usize>()
        });
    });
    group.bench_function("first_match", |b| {
        b.iter(|| target.first_match(black_box(&refs)));
    });
    group.finish();
}

fn threaded(c: &mut Criterion) {
    let target = target();
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

criterion_group!(benches, compression, per_core, threaded);
criterion_main!(benches);

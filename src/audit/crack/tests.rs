//! Tests of the engine, the driver and the rules.

use super::driver::{Feed, Shared, SourceReader};
use super::rules::Variants;
use super::*;
use crate::audit::wordlist::{self, Wordlist};
use proptest::prelude::*;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use zeroize::Zeroizing;

const HASHES: [Hash; 3] = [Hash::Sha256, Hash::Sha384, Hash::Sha512];
const SIGNING_INPUT: &[u8] = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ";

/// The signature computed by the `hmac` crate, the reference implementation.
fn reference(hash: Hash, key: &[u8], message: &[u8]) -> Vec<u8> {
    let alg = hash.hmac_alg().name().parse().expect("an HMAC algorithm");
    crate::jose::sign::hmac(alg, key, message)
}

fn target_for(hash: Hash, key: &[u8]) -> Target {
    Target::new(hash, SIGNING_INPUT, &reference(hash, key, SIGNING_INPUT)).unwrap()
}

fn run(target: &Target, sources: &[CandidateSource], threads: usize, rules: Rules) -> CrackOutcome {
    let options = CrackOptions {
        threads,
        rules,
        ..CrackOptions::default()
    };
    crack(
        target,
        sources,
        &options,
        &Progress::new(),
        &AtomicBool::new(false),
    )
    .unwrap()
}

fn write_list(dir: &Path, name: &str, bytes: &[u8]) -> CandidateSource {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    CandidateSource::File(path)
}

fn found(outcome: &CrackOutcome) -> (Vec<u8>, usize, u64) {
    let f = outcome.found.as_ref().expect("secret found");
    (f.secret.to_vec(), f.source_index, f.line)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn check_one_agrees_with_hmac_crate(
        key in proptest::collection::vec(any::<u8>(), 0..200),
        message in proptest::collection::vec(any::<u8>(), 0..300),
        flip in any::<prop::sample::Index>(),
    ) {
        for hash in HASHES {
            let target = Target::new(hash, &message, &reference(hash, &key, &message)).unwrap();
            prop_assert!(target.check_one(&key));
            let mut wrong = key.clone();
            if wrong.is_empty() {
                // Not 0: HMAC zero-pads keys, so `[]` and `[0]` are the same key.
                wrong.push(1);
            } else {
                let i = flip.index(wrong.len());
                wrong[i] ^= 1;
            }
            prop_assert!(!target.check_one(&wrong));
        }
    }

    #[test]
    fn lanes_flag_exactly_the_right_candidate(
        key in proptest::collection::vec(any::<u8>(), 0..150),
        at in 0..11usize,
    ) {
        for hash in HASHES {
            let target = target_for(hash, &key);
            let mut decoy = key.clone();
            decoy.push(b'!');
            let mut list: Vec<&[u8]> = vec![&decoy; 11];
            list[at] = &key;
            prop_assert_eq!(target.first_match(&list), Some(at));
        }
    }

    /// The SHA-NI path (where the CPU has it) and the portable path against each other and
    /// against the `hmac` crate: random signing inputs and keys, the secret hidden among
    /// decoys of every length, some longer than a block.
    #[test]
    fn sha_ni_and_portable_paths_agree_with_hmac_crate(
        message in proptest::collection::vec(any::<u8>(), 0..300),
        decoys in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..100), 0..14),
        key in proptest::collection::vec(any::<u8>(), 0..100),
        at in any::<prop::sample::Index>(),
    ) {
        let signature = reference(Hash::Sha256, &key, &message);
        let fast = Target::new(Hash::Sha256, &message, &signature).unwrap();
        let portable = Target::new(Hash::Sha256, &message, &signature).unwrap().portable();
        prop_assert!(!portable.uses_sha_ni());
        // Decoys that happen to be the same HMAC key (equal up to trailing zeros) are dropped.
        let trimmed = |k: &[u8]| -> Vec<u8> {
            let mut k = k.to_vec();
            while k.last() == Some(&0) {
                k.pop();
            }
            k
        };
        let mut list: Vec<&[u8]> = decoys
            .iter()
            .filter(|d| trimmed(d) != trimmed(&key))
            .map(Vec::as_slice)
            .collect();
        prop_assert_eq!(fast.first_match(&list), None);
        prop_assert_eq!(portable.first_match(&list), None);
        let index = at.index(list.len() + 1);
        list.insert(index, &key);
        prop_assert_eq!(fast.first_match(&list), Some(index));
        prop_assert_eq!(portable.first_match(&list), Some(index));
        for (i, candidate) in list.iter().enumerate() {
            let expected = reference(Hash::Sha256, candidate, &message) == signature;
            prop_assert_eq!(fast.check_one(candidate), expected, "candidate {}", i);
            prop_assert_eq!(portable.check_one(candidate), expected, "candidate {}", i);
        }
    }
}

#[test]
fn hs256_uses_sha_ni_exactly_when_the_cpu_has_it() {
    let target = target_for(Hash::Sha256, b"k");
    #[cfg(target_arch = "x86_64")]
    assert_eq!(
        target.uses_sha_ni(),
        std::arch::is_x86_feature_detected!("sha")
            && std::arch::is_x86_feature_detected!("sse4.1")
            && std::arch::is_x86_feature_detected!("ssse3")
    );
    #[cfg(not(target_arch = "x86_64"))]
    assert!(!target.uses_sha_ni());
    assert!(!target_for(Hash::Sha384, b"k").uses_sha_ni());
    assert!(!target_for(Hash::Sha512, b"k").uses_sha_ni());
}

#[test]
fn compression_ceiling_computes_real_compressions() {
    let block: [u32; 16] = std::array::from_fn(|i| 0x0101_0101 * u32::try_from(i).unwrap());
    let mut bytes = [0u8; 64];
    for (chunk, word) in bytes.chunks_exact_mut(4).zip(block) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    let block_bytes = sha2::digest::generic_array::GenericArray::from(bytes);
    let cases = [(1, 1), (LANES, LANES)]
        .into_iter()
        .flat_map(|c| [BlockSchedule::Computed, BlockSchedule::Precomputed].map(|s| (c, s)));
    for ((lanes, streams), schedule) in cases {
        let rounds = 8 * streams;
        let Some(folded) = compression_ceiling(rounds, lanes, block, schedule) else {
            return; // No SHA extensions on this CPU: nothing to compare.
        };
        let mut expected = [0u32; 8];
        for stream in 0..streams {
            let mut state = [u32::try_from(stream).unwrap(); 8];
            for _ in 0..rounds / streams {
                sha2::compress256(&mut state, std::slice::from_ref(&block_bytes));
            }
            for (e, w) in expected.iter_mut().zip(state) {
                *e ^= w;
            }
        }
        assert_eq!(folded, expected, "{lanes} lanes, {schedule:?}");
    }
}

#[test]
fn trailing_zero_bytes_are_the_same_hmac_key() {
    // A property of HMAC, not of this code: short keys are zero-padded to a block.
    let target = target_for(Hash::Sha256, b"abc");
    assert!(target.check_one(b"abc\0"));
    assert!(!target.check_one(b"abc\x01"));
}

/// Every short key length (the SHA-NI path reads keys of up to 16 bytes with overlapping
/// loads, in three length classes) found among neighbours that differ in one byte.
#[test]
fn every_short_key_length_is_read_exactly() {
    let message = b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzaG9ydC1rZXlzIn0";
    for len in 0..=20usize {
        let key: Vec<u8> = (0..len).map(|i| 0x41 + u8::try_from(i).unwrap()).collect();
        let signature = reference(Hash::Sha256, &key, message);
        let target = Target::new(Hash::Sha256, message, &signature).unwrap();
        let mut decoys: Vec<Vec<u8>> = (0..len)
            .map(|i| {
                let mut decoy = key.clone();
                decoy[i] ^= 0x20;
                decoy
            })
            .collect();
        if len > 0 {
            decoys.push(key[..len - 1].to_vec());
        }
        decoys.push([key.as_slice(), b"x"].concat());
        decoys.push(key.clone());
        let list: Vec<&[u8]> = decoys.iter().map(Vec::as_slice).collect();
        assert_eq!(
            target.first_match(&list),
            Some(list.len() - 1),
            "key of {len} bytes"
        );
        for (i, decoy) in list.iter().enumerate().take(list.len() - 1) {
            assert!(!target.check_one(decoy), "decoy {i} of a {len}-byte key");
        }
    }
}

#[test]
fn keys_at_and_beyond_the_block_size() {
    for hash in HASHES {
        let block = hash.block_len();
        for len in [block - 1, block, block + 1, 2 * block, 2 * block + 1, 1000] {
            let key: Vec<u8> = (0..len)
                .map(|i| [3u8, 141, 77, 200, 9][i % 5] ^ 0x5a)
                .collect();
            let target = target_for(hash, &key);
            assert!(
                target.check_one(&key),
                "{} key of {len} bytes",
                hash.hmac_alg().name()
            );
            assert!(
                !target.check_one(&key[..len - 1]),
                "{} prefix of {len}",
                hash.hmac_alg().name()
            );
        }
    }
}

#[test]
fn message_lengths_around_padding_boundaries() {
    // Signing inputs whose padding needs an extra block, or just fits.
    for hash in HASHES {
        let block = hash.block_len();
        for len in [
            0,
            block - 17,
            block - 16,
            block - 9,
            block - 8,
            block,
            block + 1,
        ] {
            let message = vec![b'm'; len];
            let sig = reference(hash, b"k", &message);
            let target = Target::new(hash, &message, &sig).unwrap();
            assert!(
                target.check_one(b"k"),
                "{} message of {len}",
                hash.hmac_alg().name()
            );
            assert!(!target.check_one(b"K"));
        }
    }
}

#[test]
fn first_match_reports_earliest_index_across_lane_groups() {
    let target = target_for(Hash::Sha256, b"needle");
    let mut words: Vec<&[u8]> = vec![b"hay"; 11];
    assert_eq!(target.first_match(&words), None);
    words[9] = b"needle";
    assert_eq!(target.first_match(&words), Some(9));
    words[6] = b"needle";
    assert_eq!(target.first_match(&words), Some(6));
    // In the remainder after the last full group of lanes.
    let tail: Vec<&[u8]> = vec![b"a", b"b", b"c", b"d", b"e", b"needle"];
    assert_eq!(target.first_match(&tail), Some(5));
}

#[test]
fn compression_count_follows_the_padding() {
    // 150 bytes + 0x80 + 8-byte length = 3 blocks of 64; plus key, outer key, outer tail.
    let target = Target::new(Hash::Sha256, &[b'x'; 150], &[0; 32]).unwrap();
    assert_eq!(target.compressions_per_candidate(), 6);
    // 55 bytes still fit one block with the padding, 56 do not.
    let target = Target::new(Hash::Sha256, &[b'x'; 55], &[0; 32]).unwrap();
    assert_eq!(target.compressions_per_candidate(), 4);
    let target = Target::new(Hash::Sha256, &[b'x'; 56], &[0; 32]).unwrap();
    assert_eq!(target.compressions_per_candidate(), 5);
    // SHA-512 blocks are 128 bytes with a 16-byte length: 111 fit, 112 do not.
    let target = Target::new(Hash::Sha512, &[b'x'; 111], &[0; 64]).unwrap();
    assert_eq!(target.compressions_per_candidate(), 4);
    let target = Target::new(Hash::Sha384, &[b'x'; 112], &[0; 48]).unwrap();
    assert_eq!(target.compressions_per_candidate(), 5);
}

#[test]
fn alg_names_round_trip() {
    for hash in HASHES {
        assert_eq!(Hash::of_hmac(hash.hmac_alg().name()), Some(hash));
    }
    assert_eq!(Hash::of_hmac("RS256"), None);
    assert_eq!(Hash::of_hmac("hs256"), None);
}

#[test]
fn wrong_signature_length_is_rejected() {
    let err = Target::new(Hash::Sha384, b"a.b", &[0; 32]).unwrap_err();
    assert_eq!(err.to_string(), "HS384 signature must be 48 bytes, got 32");
}

fn builtin_line(word: &str) -> u64 {
    let index = BUILTIN_LIST
        .lines()
        .position(|l| l == word)
        .expect("word in list");
    index as u64 + 1
}

#[test]
fn finds_secrets_in_the_builtin_list() {
    for hash in HASHES {
        for word in [
            "your-256-bit-secret",
            "secret",
            "keyboard cat",
            "shhhhh",
            "s3cr3t",
        ] {
            let outcome = run(
                &target_for(hash, word.as_bytes()),
                &[CandidateSource::BuiltIn],
                2,
                Rules::None,
            );
            assert_eq!(
                found(&outcome),
                (word.as_bytes().to_vec(), 0, builtin_line(word))
            );
            let f = outcome.found.as_ref().unwrap();
            assert_eq!(f.source, BUILTIN_NAME);
        }
    }
}

#[test]
fn the_empty_secret_is_line_one_of_the_builtin_list() {
    let outcome = run(
        &target_for(Hash::Sha256, b""),
        &[CandidateSource::BuiltIn],
        1,
        Rules::None,
    );
    assert_eq!(found(&outcome), (Vec::new(), 0, 1));
    assert_eq!(outcome.tried, 1);
}

#[test]
fn builtin_list_is_sane() {
    let lines: Vec<&str> = BUILTIN_LIST.split('\n').collect();
    assert_eq!(lines[0], "", "first line is the empty secret");
    assert_eq!(lines.last(), Some(&""), "file ends with a newline");
    let words = &lines[1..lines.len() - 1];
    assert!(words.len() >= 300, "{} words", words.len());
    assert!(words.iter().all(|w| !w.is_empty() && !w.contains('\r')));
    let unique: std::collections::HashSet<_> = words.iter().collect();
    assert_eq!(unique.len(), words.len(), "no duplicates");
    for must in [
        "secret",
        "your-384-bit-secret",
        "your-512-bit-secret",
        "changeme",
        "jwt_secret",
    ] {
        assert!(words.contains(&must), "{must}");
    }
}

#[test]
fn finds_secret_on_the_last_line_of_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut body: Vec<u8> = (0..5000)
        .flat_map(|i| format!("word{i}\n").into_bytes())
        .collect();
    body.extend_from_slice(b"hunter2-xyz");
    let with_newline = [body.clone(), b"\n".to_vec()].concat();
    for (name, bytes) in [("a.txt", body), ("b.txt", with_newline)] {
        let source = write_list(dir.path(), name, &bytes);
        for threads in [1, 2] {
            let outcome = run(
                &target_for(Hash::Sha512, b"hunter2-xyz"),
                std::slice::from_ref(&source),
                threads,
                Rules::None,
            );
            assert_eq!(found(&outcome), (b"hunter2-xyz".to_vec(), 0, 5001));
            assert_eq!(
                outcome.found.as_ref().unwrap().source,
                dir.path().join(name).display().to_string()
            );
        }
    }
}

#[test]
fn crlf_line_endings() {
    let dir = tempfile::tempdir().unwrap();
    let source = write_list(dir.path(), "crlf.txt", b"alpha\r\nbeta\r\ngamma\r\n");
    let outcome = run(
        &target_for(Hash::Sha256, b"beta"),
        &[source],
        1,
        Rules::None,
    );
    assert_eq!(found(&outcome), (b"beta".to_vec(), 0, 2));
}

#[test]
fn bom_before_the_first_word() {
    let dir = tempfile::tempdir().unwrap();
    let source = write_list(dir.path(), "bom.txt", b"\xEF\xBB\xBFfirst\nsecond\n");
    let outcome = run(
        &target_for(Hash::Sha384, b"first"),
        &[source],
        1,
        Rules::None,
    );
    assert_eq!(found(&outcome), (b"first".to_vec(), 0, 1));
}

#[test]
fn not_found_tries_every_line() {
    let dir = tempfile::tempdir().unwrap();
    let body: Vec<u8> = (0..3000)
        .flat_map(|i| format!("w{i}\n").into_bytes())
        .collect();
    let file = write_list(dir.path(), "w.txt", &body);
    let sources = [CandidateSource::BuiltIn, file];
    let builtin_lines = BUILTIN_LIST.lines().count() as u64;
    for threads in [1, 2, 3] {
        let progress = Progress::new();
        let options = CrackOptions {
            threads,
            rules: Rules::None,
            ..CrackOptions::default()
        };
        let target = target_for(Hash::Sha256, b"not in any list");
        let outcome = crack(
            &target,
            &sources,
            &options,
            &progress,
            &AtomicBool::new(false),
        )
        .unwrap();
        assert!(outcome.found.is_none());
        assert!(!outcome.cancelled);
        assert_eq!(outcome.tried, builtin_lines + 3000);
        assert_eq!(outcome.threads, threads);
        assert_eq!(progress.tried(), builtin_lines + 3000);
        let total = BUILTIN_LIST.len() as u64 + body.len() as u64;
        assert_eq!(progress.bytes_total(), total);
        assert_eq!(progress.bytes_read(), total);
    }
}

#[test]
fn tried_counts_one_run_while_progress_accumulates() {
    let target = target_for(Hash::Sha256, b"absent");
    let progress = Progress::new();
    let cancel = AtomicBool::new(false);
    let lines = BUILTIN_LIST.lines().count() as u64;
    for run in 1..=2 {
        let options = CrackOptions {
            threads: 2,
            rules: Rules::None,
            ..CrackOptions::default()
        };
        let outcome = crack(
            &target,
            &[CandidateSource::BuiltIn],
            &options,
            &progress,
            &cancel,
        )
        .unwrap();
        assert_eq!(outcome.tried, lines);
        assert_eq!(progress.tried(), run * lines);
    }
}

#[test]
fn missing_wordlist_and_directory_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let target = target_for(Hash::Sha256, b"x");
    let missing = dir.path().join("missing.txt");
    let options = CrackOptions::default();
    let cancel = AtomicBool::new(false);
    // The built-in list would match, but sources are checked before the search starts.
    let target_builtin = target_for(Hash::Sha256, b"secret");
    for (t, sources) in [
        (&target, vec![CandidateSource::File(missing.clone())]),
        (
            &target_builtin,
            vec![
                CandidateSource::BuiltIn,
                CandidateSource::File(missing.clone()),
            ],
        ),
    ] {
        let err = crack(t, &sources, &options, &Progress::new(), &cancel).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("wordlist '{}' does not exist", missing.display())
        );
    }
    let err = crack(
        &target,
        &[CandidateSource::File(dir.path().to_path_buf())],
        &options,
        &Progress::new(),
        &cancel,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "wordlist '{}' is a directory, not a file",
            dir.path().display()
        )
    );
}

#[test]
fn earliest_match_wins_whatever_the_thread_count() {
    // Every line is 8 bytes, so a chunk is exactly `per_chunk` lines. The secret is the
    // last line of the second chunk and the 5th line of the third: with two threads the
    // third chunk's hit usually comes first, yet the answer must be the earlier line.
    // It is also in a second file, which must not win either.
    let dir = tempfile::tempdir().unwrap();
    let per_chunk = wordlist::DEFAULT_CHUNK_BYTES / 8;
    let filler = |n: usize, tag: char| -> Vec<u8> {
        (0..n)
            .flat_map(|i| format!("{tag}{i:07}\n").into_bytes())
            .collect()
    };
    let mut first = filler(per_chunk * 2 - 1, 'a');
    first.extend_from_slice(b"dup-2x-8\n");
    first.extend(filler(4, 'b'));
    first.extend_from_slice(b"dup-2x-8\n");
    first.extend(filler(per_chunk * 3, 'c'));
    let one = write_list(dir.path(), "one.txt", &first);
    let two = write_list(dir.path(), "two.txt", b"x\ndup-2x-8\n");
    let target = target_for(Hash::Sha256, b"dup-2x-8");
    for _ in 0..5 {
        for threads in [1, 2, 4] {
            let outcome = run(&target, &[one.clone(), two.clone()], threads, Rules::None);
            let want = (b"dup-2x-8".to_vec(), 0, per_chunk as u64 * 2);
            assert_eq!(found(&outcome), want, "{threads} threads");
            let outcome = run(&target, &[two.clone(), one.clone()], threads, Rules::None);
            assert_eq!(
                found(&outcome),
                (b"dup-2x-8".to_vec(), 0, 2),
                "{threads} threads"
            );
        }
    }
}

#[test]
fn earliest_match_wins_with_many_small_chunks() {
    // With rules on, chunks are small, so many are in flight at once.
    let dir = tempfile::tempdir().unwrap();
    let mut body: Vec<u8> = Vec::new();
    for i in 0..3000 {
        body.extend_from_slice(if i == 700 || i == 720 || i == 2500 {
            b"pass\n"
        } else {
            b"zz\n"
        });
    }
    let source = write_list(dir.path(), "w.txt", &body);
    let target = target_for(Hash::Sha256, b"PASS99");
    for threads in [1, 2, 4] {
        let outcome = run(
            &target,
            std::slice::from_ref(&source),
            threads,
            Rules::Common,
        );
        assert_eq!(
            found(&outcome),
            (b"PASS99".to_vec(), 0, 701),
            "{threads} threads"
        );
    }
}

#[test]
fn mangling_finds_capitalized_word_with_year() {
    let dir = tempfile::tempdir().unwrap();
    let source = write_list(dir.path(), "w.txt", b"hello\nsecret\nworld\n");
    let target = target_for(Hash::Sha256, b"Secret2024");
    let outcome = run(&target, std::slice::from_ref(&source), 2, Rules::Common);
    assert_eq!(found(&outcome), (b"Secret2024".to_vec(), 0, 2));
    assert!(run(&target, &[source], 2, Rules::None).found.is_none());
}

#[test]
fn mangled_variants_are_complete_and_unique() {
    let mut variants = Variants::default();
    variants.fill(b"Word");
    let all: Vec<Vec<u8>> = (0..variants.len())
        .map(|i| variants.get(i).to_vec())
        .collect();
    // Bases: Word, word, WORD (Capitalized equals the word itself): 3 * (1 + 153).
    assert_eq!(all.len(), 3 * 154);
    let unique: std::collections::HashSet<_> = all.iter().collect();
    assert_eq!(unique.len(), all.len());
    assert_eq!(all[0], b"Word");
    for want in [
        &b"word"[..],
        b"WORD",
        b"Word7",
        b"word07",
        b"WORD123",
        b"word1234",
        b"Word1990",
        b"WORD2030",
    ] {
        assert!(
            all.iter().any(|v| v == want),
            "{}",
            String::from_utf8_lossy(want)
        );
    }
    assert!(!all.iter().any(|v| v == b"Word1989" || v == b"word2031"));

    variants.fill(b"123");
    assert_eq!(variants.len(), 154, "digits have a single case form");
    variants.fill(b"");
    assert_eq!(variants.len(), 154);
    assert_eq!(variants.get(0), b"");
    assert_eq!(variants.get(1), b"0");
}

#[test]
fn cancel_stops_the_search() {
    let dir = tempfile::tempdir().unwrap();
    let body: Vec<u8> = (0..20000)
        .flat_map(|i| format!("w{i}\n").into_bytes())
        .collect();
    let source = write_list(dir.path(), "w.txt", &body);
    let target = target_for(Hash::Sha256, b"absent");
    let cancel = AtomicBool::new(true);
    let options = CrackOptions {
        threads: 2,
        rules: Rules::Common,
        ..CrackOptions::default()
    };
    let outcome = crack(&target, &[source], &options, &Progress::new(), &cancel).unwrap();
    assert!(outcome.cancelled);
    assert!(outcome.found.is_none());
    assert_eq!(outcome.tried, 0);
}

fn shared<'a>(
    target: &'a Target,
    sources: &'a [CandidateSource],
    readers: Vec<SourceReader>,
    progress: &'a Progress,
    cancel: &'a AtomicBool,
) -> Shared<'a> {
    Shared {
        target,
        sources,
        rules: Rules::None,
        feed: Mutex::new(Feed {
            readers,
            current: 0,
            next_seq: 0,
            chunk_bytes: 1,
            threads: 1,
            bytes_left: u64::MAX,
            error: None,
        }),
        best: Mutex::new(None),
        stop_seq: AtomicU64::new(u64::MAX),
        cancelled: AtomicBool::new(false),
        tried: AtomicU64::new(0),
        progress,
        cancel,
    }
}

#[test]
fn a_later_hit_never_replaces_an_earlier_one() {
    let target = target_for(Hash::Sha256, b"x");
    let sources = [
        CandidateSource::BuiltIn,
        CandidateSource::File("f.txt".into()),
    ];
    let (progress, cancel) = (Progress::new(), AtomicBool::new(false));
    let shared = shared(&target, &sources, Vec::new(), &progress, &cancel);
    let secret = |s: &[u8]| Zeroizing::new(s.to_vec());
    shared.record(5, 3, 1, 100, secret(b"late"));
    assert_eq!(shared.stop_seq.load(Ordering::Relaxed), 5);
    shared.record(2, 9, 0, 50, secret(b"early"));
    shared.record(2, 10, 0, 51, secret(b"same chunk, later line"));
    shared.record(7, 0, 1, 1, secret(b"later chunk"));
    assert_eq!(shared.stop_seq.load(Ordering::Relaxed), 2);
    let best = shared.best.into_inner().unwrap().unwrap();
    assert_eq!((best.seq, best.index), (2, 9));
    assert_eq!(best.found.secret.as_slice(), b"early");
    assert_eq!(best.found.line, 50);
    assert_eq!(best.found.source, BUILTIN_NAME);
}

#[test]
fn found_before_a_read_error_is_still_reported() {
    // Not reachable with files on a healthy disk; exercised through the feed directly.
    let target = target_for(Hash::Sha256, b"b");
    let flaky = FailAfter(std::io::Cursor::new(b"a\nb\nc\n".to_vec()));
    let readers: Vec<SourceReader> = vec![Wordlist::from_reader(
        "flaky",
        Box::new(std::io::BufReader::with_capacity(4, flaky)),
        None,
    )];
    let sources = [CandidateSource::File("flaky".into())];
    let (progress, cancel) = (Progress::new(), AtomicBool::new(false));
    let shared = shared(&target, &sources, readers, &progress, &cancel);
    shared.worker();
    let best = shared
        .best
        .into_inner()
        .unwrap()
        .expect("hit before the error");
    assert_eq!(best.found.line, 2);
    let feed = shared.feed.into_inner().unwrap();
    assert!(feed.error.is_none(), "stopped reading at the hit");
}

#[test]
fn read_error_without_a_hit_is_returned() {
    let target = target_for(Hash::Sha256, b"zzz");
    let flaky = FailAfter(std::io::Cursor::new(b"a\nb\nc\n".to_vec()));
    let readers: Vec<SourceReader> = vec![Wordlist::from_reader(
        "flaky",
        Box::new(std::io::BufReader::with_capacity(4, flaky)),
        None,
    )];
    let sources = [CandidateSource::File("flaky".into())];
    let (progress, cancel) = (Progress::new(), AtomicBool::new(false));
    let shared = shared(&target, &sources, readers, &progress, &cancel);
    shared.worker();
    assert!(shared.best.into_inner().unwrap().is_none());
    let error = shared
        .feed
        .into_inner()
        .unwrap()
        .error
        .expect("read error kept");
    assert_eq!(
        error.to_string(),
        "I/O error reading wordlist 'flaky' at line 4: gone"
    );
    assert_eq!(progress.tried(), 3);
}

struct FailAfter(std::io::Cursor<Vec<u8>>);

impl std::io::Read for FailAfter {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.0.read(buf)? {
            0 => Err(std::io::Error::other("gone")),
            n => Ok(n),
        }
    }
}

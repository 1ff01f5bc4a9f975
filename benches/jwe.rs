//! JWE decryption speed: a typical `dir` + `A256GCM` token (a session-sized claims set)
//! through the whole engine (parse with located errors, key choice, AES-GCM open), next to
//! the floor: aws-lc-rs's AES-256-GCM open of the same bytes alone, no parsing, no Base64.
//! Also Auth.js's default `dir` + `A256CBC-HS512` and an `A256KW` unwrap. Quick run:
//! `cargo bench --bench jwe -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use criterion::{Criterion, criterion_group, criterion_main};
use jwt_workbench::jose::b64;
use jwt_workbench::jose::jwe::{self, DecryptOptions, Enc, EncryptOptions, JweKeys, KeyAlg};
use jwt_workbench::jose::key::Secret;
use serde_json::Map;

const CLAIMS: &str = r#"{"sub":"user-1815","name":"Ada Lovelace","email":"ada@example.com","picture":"https://example.com/a.png","iat":1735689600,"exp":1738281600,"jti":"5b1d1f6e-7b3a-4f55-9a8e-0c5f1f0d2b11"}"#;

fn token(alg: KeyAlg, enc: Enc, keys: &JweKeys) -> String {
    let opts = EncryptOptions {
        alg,
        enc,
        zip: false,
        header: Map::new(),
    };
    jwe::encrypt(CLAIMS.as_bytes(), &keys.keys[0], &opts).unwrap_or_default()
}

fn bench(c: &mut Criterion) {
    let key32 = vec![7u8; 32];
    let keys = JweKeys::secret(Secret::new(key32.clone()));
    let dir_gcm = token(KeyAlg::Dir, Enc::A256Gcm, &keys);

    let mut group = c.benchmark_group("jwe-decrypt");
    group.bench_function("jwb dir+A256GCM", |b| {
        b.iter(|| {
            let parsed = jwe::parse(black_box(&dir_gcm)).ok();
            parsed.and_then(|p| jwe::decrypt(&p, &keys, DecryptOptions::default()).ok())
        });
    });

    // The baseline: the same IV, ciphertext, tag and AAD, opened by aws-lc-rs directly.
    let parts: Vec<&str> = dir_gcm.split('.').collect();
    let aad = parts[0].as_bytes().to_vec();
    let iv = b64::decode_strict(parts[2]).unwrap_or_default();
    let mut sealed = b64::decode_strict(parts[3]).unwrap_or_default();
    sealed.extend(b64::decode_strict(parts[4]).unwrap_or_default());
    let opener = UnboundKey::new(&AES_256_GCM, &key32)
        .map(LessSafeKey::new)
        .ok();
    group.bench_function("aws-lc-rs AES-256-GCM open alone", |b| {
        b.iter(|| {
            let mut buf = sealed.clone();
            let nonce = Nonce::try_assume_unique_for_key(&iv).ok()?;
            opener
                .as_ref()?
                .open_in_place(nonce, Aad::from(black_box(&aad)), &mut buf)
                .ok()
                .map(|p| p.len())
        });
    });

    let keys64 = JweKeys::secret(Secret::new(vec![9u8; 64]));
    let cbc = token(KeyAlg::Dir, Enc::A256CbcHs512, &keys64);
    group.bench_function("jwb dir+A256CBC-HS512 (Auth.js)", |b| {
        b.iter(|| {
            let parsed = jwe::parse(black_box(&cbc)).ok();
            parsed.and_then(|p| jwe::decrypt(&p, &keys64, DecryptOptions::default()).ok())
        });
    });
    let kw = token(KeyAlg::A256Kw, Enc::A256Gcm, &keys);
    group.bench_function("jwb A256KW+A256GCM", |b| {
        b.iter(|| {
            let parsed = jwe::parse(black_box(&kw)).ok();
            parsed.and_then(|p| jwe::decrypt(&p, &keys, DecryptOptions::default()).ok())
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

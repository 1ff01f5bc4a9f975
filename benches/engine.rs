//! Engine speed against the `jsonwebtoken` crate (rust_crypto backend) and against a bare
//! HMAC-SHA256 of the same signing input, the floor for HS256. The ratios (ours / theirs, from
//! this run's medians: below 1.0 we are faster) are printed at the end. Quick run:
//! `cargo bench --bench engine -- --warm-up-time 1 --measurement-time 3`. Times are the
//! bench thread's CPU time (`support/cpu_time.rs`), so other work on the machine moves them
//! little; `JWB_BENCH_CLOCK=wall` measures the wall clock instead.
//!
//! What each row compares (same token, same key, both sides accept it):
//! - decode: header and claims to values, no signature. `insecure_decode` reads the header
//!   into its `Header` (every registered member) and the payload into the caller's struct;
//!   ours (`JwsView`) reads the same members into values and checks all of the JSON as
//!   `verify` does (every value, every escape, no name repeated at any depth). The display
//!   decoder (`decode`: paste clean-up, lenient Base64URL with located errors, every member a
//!   value, the signature decoded) is timed beside it, as a reference row.
//! - HS256 verify: `jsonwebtoken::decode` with its default validation plus `aud` and `iss`
//!   (signature, `exp`, `aud`, `iss`; leeway 0; it answers Ok or an error kind, and hands
//!   back the claims struct) against ours answering the verdict (`verify_fast`: strict token,
//!   signature, `exp`, `nbf`, `iat`, `aud`, `iss`, no name repeated; no sentence is built
//!   until asked for). Asking for them (`verify_quick`: every reason and claim detail in
//!   words) is the reference row beside it. Both keep their key for the whole run, as a
//!   server does: theirs a `DecodingKey` (it keys HMAC on every call), ours a `KeySet` (the
//!   key's HMAC pads are hashed on first use, then reused).
//! - RS256/ES256/EdDSA verify: the same calls with public keys, ours with every sentence
//!   built (`verify_quick`).
//! - EdDSA's floor, two reference rows: our verification over aws-lc-rs's bare signature
//!   check (what the workbench adds), and that check over ed25519-dalek's (jsonwebtoken's
//!   verifier), both decoding the public point per call as their callers do. The EdDSA row
//!   can only be as far ahead as aws-lc-rs is of ed25519-dalek on the machine at hand.
//! - ES256K, ML-DSA-44 and ML-DSA-65 verify (RFC 8812, RFC 9964): `jsonwebtoken` has none of
//!   them, so our own ES256 row is their reference: the same call (`verify_quick`, every
//!   sentence built) with the key of each algorithm.
//! - HS256 sign: `jsonwebtoken::encode` serialises its `Header` and the claims struct; ours
//!   signs the same JSON as text (`sign`: both texts checked as JSON, minified, encoded).

#[path = "support/cpu_time.rs"]
mod cpu_time;
#[path = "support/medians.rs"]
mod medians;
#[path = "support/paired.rs"]
mod paired;

use std::hint::black_box;
use std::time::{SystemTime, UNIX_EPOCH};

use cpu_time::ThreadCpu;
use criterion::Criterion;
use criterion::measurement::Measurement;
use hmac::{Hmac, Mac};
use jsonwebtoken as jwt;
use jwt_workbench::jose::claims::{ClaimOptions, check_claims};
use jwt_workbench::jose::decode::{JwsView, decode};
use jwt_workbench::jose::key::{KeySet, Secret, parse_key};
use jwt_workbench::jose::report::{inspect, verify_fast, verify_quick};
use jwt_workbench::jose::sign::sign;
use jwt_workbench::jose::verify::{SigStatus, VerifyOptions, verify_parts};
use medians::Medians;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

const SECRET: &[u8] = b"bench-secret-bench-secret-32byte";
const RSA_PRIVATE: &[u8] = include_bytes!("../tests/fixtures/keys/rsa.pkcs8.pem");
const RSA_PUBLIC: &[u8] = include_bytes!("../tests/fixtures/keys/rsa.spki.pem");
const RSA_JWK: &[u8] = include_bytes!("../tests/fixtures/keys/rsa.public.jwk.json");
const EC_JWK: &[u8] = include_bytes!("../tests/fixtures/keys/p256.public.jwk.json");
const ED_JWK: &[u8] = include_bytes!("../tests/fixtures/keys/ed25519.public.jwk.json");
const EC_PRIVATE: &[u8] = include_bytes!("../tests/fixtures/keys/p256.pkcs8.pem");
const EC_PUBLIC: &[u8] = include_bytes!("../tests/fixtures/keys/p256.spki.pem");
const ED_PRIVATE: &[u8] = include_bytes!("../tests/fixtures/keys/ed25519.pkcs8.pem");
const ED_PUBLIC: &[u8] = include_bytes!("../tests/fixtures/keys/ed25519.spki.pem");
const SECP256K1_PRIVATE: &[u8] = include_bytes!("../tests/fixtures/keys/secp256k1.pkcs8.pem");
const SECP256K1_PUBLIC: &[u8] = include_bytes!("../tests/fixtures/keys/secp256k1.spki.pem");
const ML_DSA_44_PRIVATE: &[u8] = include_bytes!("../tests/fixtures/keys/mldsa44.pkcs8.pem");
const ML_DSA_44_PUBLIC: &[u8] = include_bytes!("../tests/fixtures/keys/mldsa44.spki.pem");
const ML_DSA_65_PRIVATE: &[u8] = include_bytes!("../tests/fixtures/keys/mldsa65.pkcs8.pem");
const ML_DSA_65_PUBLIC: &[u8] = include_bytes!("../tests/fixtures/keys/mldsa65.spki.pem");
/// The header members `jsonwebtoken`'s `Header` reads.
const HEADER_MEMBERS: [&str; 15] = [
    "typ", "alg", "cty", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "crit", "enc",
    "zip", "url", "nonce",
];
/// The members of [`Claims`].
const CLAIM_MEMBERS: [&str; 6] = ["sub", "name", "iat", "exp", "aud", "iss"];
const AUD: &str = "api.example";
const ISS: &str = "https://issuer.example";

/// The claims of a typical access token, as a `jsonwebtoken` user would declare them.
#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    name: String,
    iat: u64,
    exp: u64,
    aud: String,
    iss: String,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn payload(now: u64) -> String {
    serde_json::to_string(&Claims {
        sub: "1234567890".into(),
        name: "John Doe".into(),
        iat: now - 60,
        exp: now + 3600,
        aud: AUD.into(),
        iss: ISS.into(),
    })
    .unwrap_or_default()
}

/// A member of a JWK fixture: `jsonwebtoken` without its `use_pem` feature reads key
/// components, not PEM.
fn jwk_member(jwk: &[u8], name: &str) -> jwt::errors::Result<String> {
    let value: serde_json::Value = serde_json::from_slice(jwk)?;
    Ok(value[name].as_str().unwrap_or_default().to_owned())
}

fn keys(pem: &[u8]) -> KeySet {
    parse_key(pem).unwrap_or_else(|e| panic!("bench key: {e}"))
}

fn token(alg: &str, payload: &str, keys: &KeySet) -> String {
    let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
    sign(&header, payload, keys.keys.first()).unwrap_or_else(|e| panic!("bench sign: {e}"))
}

fn validation(alg: jwt::Algorithm) -> jwt::Validation {
    let mut v = jwt::Validation::new(alg);
    v.set_audience(&[AUD]);
    v.set_issuer(&[ISS]);
    v.leeway = 0;
    v
}

/// A timed operation: it hands its result to `black_box` and drops it.
type Row<'a> = (String, Box<dyn FnMut() + 'a>);

fn row<'a, R>(id: &str, mut f: impl FnMut() -> R + 'a) -> Row<'a> {
    (
        id.to_owned(),
        Box::new(move || {
            black_box(&f());
        }),
    )
}

/// The comparisons the summary prints: label, ours, theirs.
const RATIOS: [(&str, &str, &str); 14] = [
    (
        "decode (target <= 1.0x)",
        "decode/ours",
        "decode/jsonwebtoken-insecure",
    ),
    (
        "decode, display form (reference)",
        "decode/ours-display",
        "decode/jsonwebtoken-insecure",
    ),
    (
        "HS256 sign (target <= 1.0x)",
        "hs256-sign/ours",
        "hs256-sign/jsonwebtoken",
    ),
    (
        "HS256 verify (target <= 0.67x, 1.5x faster)",
        "hs256-verify/ours-fast",
        "hs256-verify/jsonwebtoken",
    ),
    (
        "HS256 verify, every sentence built (reference)",
        "hs256-verify/ours-quick",
        "hs256-verify/jsonwebtoken",
    ),
    (
        "RS256 verify (target <= 0.25x, 4x faster)",
        "rs256-verify/ours-quick",
        "rs256-verify/jsonwebtoken",
    ),
    (
        "ES256 verify (target <= 0.25x, 4x faster)",
        "es256-verify/ours-quick",
        "es256-verify/jsonwebtoken",
    ),
    (
        "EdDSA verify (target <= 1.0x)",
        "eddsa-verify/ours-quick",
        "eddsa-verify/jsonwebtoken",
    ),
    (
        "EdDSA verify over bare aws-lc-rs (our share)",
        "eddsa-verify/ours-quick",
        "eddsa-verify/bare-aws-lc-rs",
    ),
    (
        "EdDSA: bare aws-lc-rs over bare ed25519-dalek",
        "eddsa-verify/bare-aws-lc-rs",
        "eddsa-verify/bare-ed25519-dalek",
    ),
    (
        "ES256K verify over our ES256 (reference)",
        "es256k-verify/ours-quick",
        "es256-verify/ours-quick",
    ),
    (
        "ML-DSA-44 verify over our ES256 (reference)",
        "ml-dsa-44-verify/ours-quick",
        "es256-verify/ours-quick",
    ),
    (
        "ML-DSA-65 verify over our ES256 (reference)",
        "ml-dsa-65-verify/ours-quick",
        "es256-verify/ours-quick",
    ),
    (
        "HS256 verdict only over bare HMAC (the floor)",
        "hs256-verify/ours-fast",
        "hs256-verify/bare-hmac",
    ),
];

#[allow(clippy::cast_precision_loss, clippy::too_many_lines)]
fn bench<M: Measurement + 'static>(c: &mut Criterion<M>, medians: &Medians) {
    let now = now();
    let payload = payload(now);
    let claim_opts = ClaimOptions {
        now: now as f64,
        leeway: 0,
        aud: vec![AUD.into()],
        iss: Some(ISS.into()),
        ..ClaimOptions::default()
    };
    let opts = |alg| VerifyOptions {
        alg: Some(alg),
        ..VerifyOptions::default()
    };
    let secret = KeySet::secret(Secret::new(SECRET.to_vec()));
    let hs = token("HS256", &payload, &secret);
    let (hs_input, hs_sig) = hs.rsplit_once('.').unwrap_or_default();
    let hs_tag = jwt_workbench::jose::b64::decode_strict(hs_sig).unwrap_or_default();
    let hs256 = opts(jwt_workbench::jose::alg::Alg::HS256);

    // Every contender must accept the token, or the timing means nothing.
    let quick = verify_quick(&hs, &secret, hs256, &claim_opts);
    assert!(quick.is_some_and(|q| q.signature.status == SigStatus::Valid && q.claims.is_valid()));
    assert_eq!(
        verify_fast(&hs, &secret, hs256, &claim_opts),
        Some(jwt_workbench::jose::report::Outcome::Valid)
    );
    let jwt_hs_key = jwt::DecodingKey::from_secret(SECRET);
    let jwt_hs = validation(jwt::Algorithm::HS256);
    assert!(jwt::decode::<Claims>(&hs, &jwt_hs_key, &jwt_hs).is_ok());
    let view = JwsView::new(&hs).unwrap_or_else(|| panic!("bench view"));
    assert!(view.header(HEADER_MEMBERS).is_some() && view.claims(CLAIM_MEMBERS).is_some());
    assert!(jwt::dangerous::insecure_decode::<Claims>(&hs).is_ok());

    // Where the lean HS256 path spends its time: the signature verdict (key selection, HMAC,
    // the reason in words) and the claim checks (each with its sentence), apart.
    let hs_decoded = decode(&hs);
    let hs_header = hs_decoded.header.clone().unwrap_or_default();
    let hs_claims = hs_decoded.claims().cloned().unwrap_or_default();

    let mut rows: Vec<Row<'_>> = vec![
        row("decode/ours", || {
            let view = JwsView::new(black_box(&hs))?;
            Some((view.header(HEADER_MEMBERS)?, view.claims(CLAIM_MEMBERS)?))
        }),
        row("decode/ours-display", || decode(black_box(&hs))),
        row("decode/jsonwebtoken-insecure", || {
            jwt::dangerous::insecure_decode::<Claims>(black_box(&hs))
        }),
        row("hs256-verify/ours-quick", || {
            verify_quick(black_box(&hs), &secret, hs256, &claim_opts)
        }),
        row("hs256-verify/ours-fast", || {
            verify_fast(black_box(&hs), &secret, hs256, &claim_opts)
        }),
        row("hs256-verify/ours-inspect", || {
            inspect(black_box(&hs), Some(&secret), hs256, &claim_opts)
        }),
        row("hs256-verify/jsonwebtoken", || {
            jwt::decode::<Claims>(black_box(&hs), &jwt_hs_key, &jwt_hs)
        }),
        row("hs256-verify/bare-hmac", || {
            let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(SECRET) else {
                return false;
            };
            mac.update(black_box(hs_input).as_bytes());
            mac.verify_slice(black_box(&hs_tag)).is_ok()
        }),
        row("hs256-breakdown/signature-check", || {
            verify_parts(
                &hs_header,
                black_box(hs_input).as_bytes(),
                &hs_tag,
                Some(&secret),
                hs256,
            )
        }),
        row("hs256-breakdown/claim-checks", || {
            check_claims(Some(black_box(&hs_claims)), &claim_opts)
        }),
    ];

    for (alg, ours_alg, jwt_alg, private, public, jwt_key) in [
        (
            "RS256",
            jwt_workbench::jose::alg::Alg::RS256,
            jwt::Algorithm::RS256,
            RSA_PRIVATE,
            RSA_PUBLIC,
            jwk_member(RSA_JWK, "n").and_then(|n| {
                jwt::DecodingKey::from_rsa_components(&n, &jwk_member(RSA_JWK, "e")?)
            }),
        ),
        (
            "ES256",
            jwt_workbench::jose::alg::Alg::ES256,
            jwt::Algorithm::ES256,
            EC_PRIVATE,
            EC_PUBLIC,
            jwk_member(EC_JWK, "x")
                .and_then(|x| jwt::DecodingKey::from_ec_components(&x, &jwk_member(EC_JWK, "y")?)),
        ),
        (
            "EdDSA",
            jwt_workbench::jose::alg::Alg::EdDSA,
            jwt::Algorithm::EdDSA,
            ED_PRIVATE,
            ED_PUBLIC,
            jwk_member(ED_JWK, "x").and_then(|x| jwt::DecodingKey::from_ed_components(&x)),
        ),
    ] {
        let signed = token(alg, &payload, &keys(private));
        let ours = keys(public);
        let jwt_key = jwt_key.unwrap_or_else(|e| panic!("jsonwebtoken {alg} key: {e}"));
        let jwt_validation = validation(jwt_alg);
        let q = verify_quick(&signed, &ours, opts(ours_alg), &claim_opts);
        assert!(q.is_some_and(|q| q.signature.is_valid()), "{alg}");
        assert!(
            jwt::decode::<Claims>(&signed, &jwt_key, &jwt_validation).is_ok(),
            "{alg}"
        );
        let name = alg.to_ascii_lowercase();
        let claim_opts = &claim_opts;
        let theirs = signed.clone();
        rows.push(row(&format!("{name}-verify/ours-quick"), move || {
            verify_quick(black_box(&signed), &ours, opts(ours_alg), claim_opts)
        }));
        rows.push(row(&format!("{name}-verify/jsonwebtoken"), move || {
            jwt::decode::<Claims>(black_box(&theirs), &jwt_key, &jwt_validation)
        }));
    }

    // The algorithms jsonwebtoken does not have, beside our ES256 row.
    for (alg, ours_alg, private, public) in [
        (
            "ES256K",
            jwt_workbench::jose::alg::Alg::ES256K,
            SECP256K1_PRIVATE,
            SECP256K1_PUBLIC,
        ),
        (
            "ML-DSA-44",
            jwt_workbench::jose::alg::Alg::MlDsa44,
            ML_DSA_44_PRIVATE,
            ML_DSA_44_PUBLIC,
        ),
        (
            "ML-DSA-65",
            jwt_workbench::jose::alg::Alg::MlDsa65,
            ML_DSA_65_PRIVATE,
            ML_DSA_65_PUBLIC,
        ),
    ] {
        let signed = token(alg, &payload, &keys(private));
        let ours = keys(public);
        let q = verify_quick(&signed, &ours, opts(ours_alg), &claim_opts);
        assert!(q.is_some_and(|q| q.signature.is_valid()), "{alg}");
        let claim_opts = &claim_opts;
        rows.push(row(
            &format!("{}-verify/ours-quick", alg.to_ascii_lowercase()),
            move || verify_quick(black_box(&signed), &ours, opts(ours_alg), claim_opts),
        ));
    }

    // The EdDSA row's floor: the signature check alone, on each side's library.
    let ed_token = token("EdDSA", &payload, &keys(ED_PRIVATE));
    let (ed_input, ed_sig) = ed_token.rsplit_once('.').unwrap_or_default();
    let (ed_input, ed_sig) = (
        ed_input.to_owned(),
        jwt_workbench::jose::b64::decode_strict(ed_sig).unwrap_or_default(),
    );
    let ed_public = jwk_member(ED_JWK, "x")
        .ok()
        .and_then(|x| jwt_workbench::jose::b64::decode_strict(&x))
        .unwrap_or_default();
    let aws_key = aws_lc_rs::signature::ParsedPublicKey::new(
        &aws_lc_rs::signature::ED25519,
        ed_public.as_slice(),
    )
    .unwrap_or_else(|e| panic!("aws-lc-rs Ed25519 key: {e}"));
    let dalek_key = <[u8; 32]>::try_from(ed_public.as_slice())
        .ok()
        .and_then(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).ok())
        .unwrap_or_else(|| panic!("ed25519-dalek key"));
    let dalek_sig = ed25519_dalek::Signature::from_slice(&ed_sig)
        .unwrap_or_else(|e| panic!("ed25519-dalek signature: {e}"));
    assert!(aws_key.verify_sig(ed_input.as_bytes(), &ed_sig).is_ok());
    assert!(ed25519_dalek::Verifier::verify(&dalek_key, ed_input.as_bytes(), &dalek_sig).is_ok());
    let (aws_input, aws_sig) = (ed_input.clone(), ed_sig.clone());
    rows.push(row("eddsa-verify/bare-aws-lc-rs", move || {
        aws_key.verify_sig(black_box(aws_input.as_bytes()), &aws_sig)
    }));
    // aws-lc decodes the public point on every verification; so does jsonwebtoken, which
    // makes its `VerifyingKey` per call: the dalek row does the same.
    let dalek_bytes = dalek_key.to_bytes();
    rows.push(row("eddsa-verify/bare-ed25519-dalek", move || {
        let key = ed25519_dalek::VerifyingKey::from_bytes(black_box(&dalek_bytes)).ok()?;
        ed25519_dalek::Verifier::verify(&key, black_box(ed_input.as_bytes()), &dalek_sig).ok()
    }));

    let header = r#"{"alg":"HS256","typ":"JWT"}"#;
    let jwt_enc = jwt::EncodingKey::from_secret(SECRET);
    let jwt_header = jwt::Header::new(jwt::Algorithm::HS256);
    let claims: Claims = serde_json::from_str(&payload).unwrap_or_else(|e| panic!("{e}"));
    rows.push(row("hs256-sign/ours", || {
        sign(black_box(header), black_box(&payload), secret.keys.first())
    }));
    rows.push(row("hs256-sign/jsonwebtoken", move || {
        jwt::encode(&jwt_header, black_box(&claims), &jwt_enc)
    }));

    for (id, f) in &mut rows {
        c.bench_function(id.as_str(), |b| b.iter(&mut *f));
    }
    c.final_summary();
    summary(medians, &mut rows);
}

/// Ours over theirs for every row the issue tracks: from this run's criterion medians, and
/// measured in alternation (`support/paired.rs`) for the rows criterion ran.
fn summary(medians: &Medians, rows: &mut [Row<'_>]) {
    println!();
    println!("ours / jsonwebtoken (below 1.00x we are faster):");
    println!("  {:<46} {:>9} {:>9}", "", "criterion", "paired");
    for (label, ours, theirs) in RATIOS {
        let (Some(mine), Some(base)) = (medians.ns(ours), medians.ns(theirs)) else {
            println!("  {label:<46} {:>9}  (not run: {ours}, {theirs})", "n/a");
            continue;
        };
        let at = |name: &str| rows.iter().position(|(id, _)| id == name);
        let paired = match (at(ours), at(theirs)) {
            (Some(x), Some(y)) if x < y => {
                let (left, right) = rows.split_at_mut(y);
                paired::ratio(&mut left[x].1, &mut right[0].1)
            }
            (Some(x), Some(y)) if x > y => {
                let (left, right) = rows.split_at_mut(x);
                1.0 / paired::ratio(&mut left[y].1, &mut right[0].1)
            }
            _ => f64::NAN,
        };
        println!("  {label:<46} {:>8.2}x {paired:>8.2}x", mine / base);
    }
}

fn main() {
    let medians = Medians::start();
    // Every row is one thread doing CPU work: its own CPU time is what the ratios compare,
    // unmoved by other work on a shared machine. `JWB_BENCH_CLOCK=wall` times the wall clock.
    if std::env::var("JWB_BENCH_CLOCK").is_ok_and(|v| v == "wall") {
        bench(&mut Criterion::default().configure_from_args(), &medians);
    } else {
        let mut c = Criterion::default()
            .with_measurement(ThreadCpu)
            .configure_from_args();
        bench(&mut c, &medians);
    }
}

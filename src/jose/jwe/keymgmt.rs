//! Key management (RFC 7518 sec. 4): how the content-encryption key (CEK) is recovered by the
//! recipient and produced by the sender. Primitives are aws-lc-rs's (AES-KW with 128- and
//! 256-bit keys, AES-GCM, RSA-OAEP, RSA PKCS#1 v1.5, ECDH, the Concat KDF of NIST SP 800-56A
//! which aws-lc-rs calls SSKDF), and RustCrypto's `aes-kw` for the 192-bit key wrap that
//! aws-lc-rs does not offer (its 0.2 line, on the same `cipher`/`crypto-common` generation as
//! `hmac` and `sha2`, so the tree holds one copy of each).

use aws_lc_rs::agreement::{self, PrivateKey, UnparsedPublicKey};
use aws_lc_rs::kdf::{SskdfDigestAlgorithmId, get_sskdf_digest_algorithm, sskdf_digest};
use aws_lc_rs::key_wrap::{AES_128, AES_256, AesKek, KeyWrap as _};
use aws_lc_rs::rand::{SecureRandom as _, SystemRandom};
use aws_lc_rs::rsa::{
    OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepPrivateDecryptingKey, OaepPublicEncryptingKey,
    Pkcs1PrivateDecryptingKey, Pkcs1PublicEncryptingKey, PublicEncryptingKey,
};
use serde_json::{Map, Value, json};
use zeroize::Zeroizing;

use super::content::{self, Failed};
use super::keys::{EcdhCurve, JweKey, Material, jwk_point};
use super::{Enc, KeyAlg};
use crate::jose::b64;

/// The CEK a sender chose, what travels in the Encrypted Key, and the header members the
/// algorithm adds (`epk`, or `iv` and `tag` for AES-GCM key wrap).
pub(crate) struct Wrapped {
    pub cek: Zeroizing<Vec<u8>>,
    pub encrypted_key: Vec<u8>,
    pub header: Vec<(&'static str, Value)>,
}

/// AES Key Wrap (RFC 3394) of `cek` under `kek`.
fn kw_wrap(kek: &[u8], cek: &[u8]) -> Result<Vec<u8>, Failed> {
    let mut out = vec![0; cek.len() + 8];
    match kek.len() {
        16 | 32 => {
            let cipher = if kek.len() == 16 { &AES_128 } else { &AES_256 };
            let kek = AesKek::new(cipher, kek).map_err(|_| Failed)?;
            kek.wrap(cek, &mut out).map_err(|_| Failed)?;
        }
        24 => {
            let kek = aes_kw::KekAes192::try_from(kek).map_err(|_| Failed)?;
            kek.wrap(cek, &mut out).map_err(|_| Failed)?;
        }
        _ => return Err(Failed),
    }
    Ok(out)
}

/// AES Key Unwrap, with its integrity check.
fn kw_unwrap(kek: &[u8], wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, Failed> {
    if wrapped.len() < 24 || !wrapped.len().is_multiple_of(8) {
        return Err(Failed);
    }
    let mut out = Zeroizing::new(vec![0; wrapped.len() - 8]);
    match kek.len() {
        16 | 32 => {
            let cipher = if kek.len() == 16 { &AES_128 } else { &AES_256 };
            let kek = AesKek::new(cipher, kek).map_err(|_| Failed)?;
            kek.unwrap(wrapped, &mut out).map_err(|_| Failed)?;
        }
        24 => {
            let kek = aes_kw::KekAes192::try_from(kek).map_err(|_| Failed)?;
            kek.unwrap(wrapped, &mut out).map_err(|_| Failed)?;
        }
        _ => return Err(Failed),
    }
    Ok(out)
}

fn header_bytes(header: &Map<String, Value>, name: &str) -> Result<Vec<u8>, Failed> {
    header
        .get(name)
        .and_then(Value::as_str)
        .and_then(b64::decode_strict)
        .ok_or(Failed)
}

/// The Concat KDF of sec. 4.6.2: `AlgorithmID`, `PartyUInfo`, `PartyVInfo` each with a
/// 32-bit length prefix, then `SuppPubInfo` (the key length in bits).
fn concat_kdf(
    z: &[u8],
    algorithm_id: &str,
    apu: &[u8],
    apv: &[u8],
    len: usize,
) -> Result<Zeroizing<Vec<u8>>, Failed> {
    let mut info = Vec::with_capacity(16 + algorithm_id.len() + apu.len() + apv.len());
    for field in [algorithm_id.as_bytes(), apu, apv] {
        let n = u32::try_from(field.len()).map_err(|_| Failed)?;
        info.extend_from_slice(&n.to_be_bytes());
        info.extend_from_slice(field);
    }
    let bits = u32::try_from(len * 8).map_err(|_| Failed)?;
    info.extend_from_slice(&bits.to_be_bytes());
    let mut out = Zeroizing::new(vec![0; len]);
    let alg = get_sskdf_digest_algorithm(SskdfDigestAlgorithmId::Sha256).ok_or(Failed)?;
    sskdf_digest(alg, z, &info, &mut out).map_err(|_| Failed)?;
    Ok(out)
}

/// What ECDH-ES derives: the CEK itself (direct) or the key-wrapping key.
fn ecdh_key_params(alg: KeyAlg, enc: Enc) -> (&'static str, usize) {
    match alg.ecdh_wrap_len() {
        Some(len) => (alg.name(), len),
        None => (enc.name(), enc.key_len()),
    }
}

fn ecdh_derive(
    private: &PrivateKey,
    peer: &[u8],
    alg: KeyAlg,
    enc: Enc,
    apu: &[u8],
    apv: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Failed> {
    let (id, len) = ecdh_key_params(alg, enc);
    let peer = UnparsedPublicKey::new(private.algorithm(), peer);
    agreement::agree(private, peer, Failed, |z| concat_kdf(z, id, apu, apv, len))
}

/// Recovers the CEK with `key`. Every failure is the same [`Failed`]; the caller checks the
/// key's kind and the Encrypted Key's presence first, which are public facts.
pub(crate) fn unwrap_cek(
    alg: KeyAlg,
    enc: Enc,
    header: &Map<String, Value>,
    encrypted_key: &[u8],
    key: &JweKey,
) -> Result<Zeroizing<Vec<u8>>, Failed> {
    match (&key.material, alg) {
        (Material::Secret(s), KeyAlg::Dir) => Ok(Zeroizing::new(s.expose().to_vec())),
        (Material::Secret(s), KeyAlg::A128Kw | KeyAlg::A192Kw | KeyAlg::A256Kw) => {
            kw_unwrap(s.expose(), encrypted_key)
        }
        (Material::Secret(s), KeyAlg::A128GcmKw | KeyAlg::A192GcmKw | KeyAlg::A256GcmKw) => {
            let iv = header_bytes(header, "iv")?;
            let tag = header_bytes(header, "tag")?;
            let gcm = content::gcm_for_key_len(s.len()).ok_or(Failed)?;
            if iv.len() != 12 || tag.len() != 16 {
                return Err(Failed);
            }
            content::gcm_open(gcm, s.expose(), &iv, encrypted_key, &tag, &[]).map(Zeroizing::new)
        }
        (Material::RsaPrivate(k), KeyAlg::RsaOaep | KeyAlg::RsaOaep256) => {
            let oaep = if alg == KeyAlg::RsaOaep {
                &OAEP_SHA1_MGF1SHA1
            } else {
                &OAEP_SHA256_MGF1SHA256
            };
            let k = OaepPrivateDecryptingKey::new(k.clone()).map_err(|_| Failed)?;
            let mut out = Zeroizing::new(vec![0; k.min_output_size()]);
            let n = k
                .decrypt(oaep, encrypted_key, &mut out, None)
                .map_err(|_| Failed)?
                .len();
            out.truncate(n);
            Ok(out)
        }
        (Material::RsaPrivate(k), KeyAlg::Rsa1_5) => {
            // RFC 7516 sec. 11.5: on any padding failure carry on with a random CEK, so that
            // a bad padding and a bad tag fail alike, at the same step.
            let random = content::random_cek(enc)?;
            let k = Pkcs1PrivateDecryptingKey::new(k.clone()).map_err(|_| Failed)?;
            let mut out = Zeroizing::new(vec![0; k.min_output_size()]);
            let cek = match k.decrypt(encrypted_key, &mut out) {
                Ok(plain) if plain.len() == enc.key_len() => Zeroizing::new(plain.to_vec()),
                _ => random,
            };
            Ok(cek)
        }
        (Material::EcPrivate(private), _) if alg.key_kind() == super::KeyKind::Ecdh => {
            let Some(Value::Object(epk)) = header.get("epk") else {
                return Err(Failed);
            };
            let (curve, point) = jwk_point(epk).map_err(|_| Failed)?;
            if curve.agreement() != private.algorithm() {
                return Err(Failed);
            }
            let apu = optional_bytes(header, "apu")?;
            let apv = optional_bytes(header, "apv")?;
            let derived = ecdh_derive(private, &point, alg, enc, &apu, &apv)?;
            if alg == KeyAlg::EcdhEs {
                Ok(derived)
            } else {
                kw_unwrap(&derived, encrypted_key)
            }
        }
        _ => Err(Failed),
    }
}

fn optional_bytes(header: &Map<String, Value>, name: &str) -> Result<Vec<u8>, Failed> {
    if header.contains_key(name) {
        header_bytes(header, name)
    } else {
        Ok(Vec::new())
    }
}

fn rsa_public(material: &Material) -> Option<PublicEncryptingKey> {
    match material {
        Material::RsaPrivate(k) => Some(k.public_key()),
        Material::RsaPublic(k) => Some(k.clone()),
        _ => None,
    }
}

fn ecdh_public(material: &Material) -> Option<(EcdhCurve, Vec<u8>)> {
    match material {
        Material::EcPublic(c, p) => Some((*c, p.clone())),
        Material::EcPrivate(k) => {
            let curve = match k.algorithm() {
                a if a == &agreement::ECDH_P384 => EcdhCurve::P384,
                a if a == &agreement::ECDH_P521 => EcdhCurve::P521,
                a if a == &agreement::X25519 => EcdhCurve::X25519,
                _ => EcdhCurve::P256,
            };
            k.compute_public_key()
                .ok()
                .map(|p| (curve, p.as_ref().to_vec()))
        }
        _ => None,
    }
}

/// The public JWK of an ephemeral key, for the `epk` header member.
fn epk_jwk(curve: EcdhCurve, public: &[u8]) -> Value {
    if curve == EcdhCurve::X25519 {
        return json!({"kty": "OKP", "crv": "X25519", "x": b64::encode(public)});
    }
    let len = curve.coordinate_len();
    let (x, y) = public
        .get(1..)
        .unwrap_or_default()
        .split_at(len.min(public.len().saturating_sub(1)));
    json!({"kty": "EC", "crv": curve.name(), "x": b64::encode(x), "y": b64::encode(y)})
}

/// Produces a CEK and its Encrypted Key for the recipient's `key`. `None` when the key is
/// not of the kind `alg` needs (the caller has checked this and says why). `party` holds the
/// `apu`/`apv` members the header will carry, which ECDH-ES mixes into the derivation (RFC
/// 7518 sec. 4.6.2).
pub(crate) fn wrap_cek(
    alg: KeyAlg,
    enc: Enc,
    key: &JweKey,
    party: &Map<String, Value>,
) -> Result<Wrapped, Failed> {
    let mut header = Vec::new();
    let (cek, encrypted_key) = match (&key.material, alg) {
        (Material::Secret(s), KeyAlg::Dir) => (Zeroizing::new(s.expose().to_vec()), Vec::new()),
        (Material::Secret(s), KeyAlg::A128Kw | KeyAlg::A192Kw | KeyAlg::A256Kw) => {
            let cek = content::random_cek(enc)?;
            let wrapped = kw_wrap(s.expose(), &cek)?;
            (cek, wrapped)
        }
        (Material::Secret(s), KeyAlg::A128GcmKw | KeyAlg::A192GcmKw | KeyAlg::A256GcmKw) => {
            let cek = content::random_cek(enc)?;
            let gcm = content::gcm_for_key_len(s.len()).ok_or(Failed)?;
            let mut iv = vec![0; 12];
            SystemRandom::new().fill(&mut iv).map_err(|_| Failed)?;
            let (wrapped, tag) = content::gcm_seal(gcm, s.expose(), &iv, &cek, &[])?;
            header.push(("iv", Value::String(b64::encode(&iv))));
            header.push(("tag", Value::String(b64::encode(&tag))));
            (cek, wrapped)
        }
        (m, KeyAlg::RsaOaep | KeyAlg::RsaOaep256 | KeyAlg::Rsa1_5) => {
            let public = rsa_public(m).ok_or(Failed)?;
            let cek = content::random_cek(enc)?;
            let wrapped = if alg == KeyAlg::Rsa1_5 {
                let k = Pkcs1PublicEncryptingKey::new(public).map_err(|_| Failed)?;
                let mut out = vec![0; k.ciphertext_size()];
                k.encrypt(&cek, &mut out).map_err(|_| Failed)?.to_vec()
            } else {
                let oaep = if alg == KeyAlg::RsaOaep {
                    &OAEP_SHA1_MGF1SHA1
                } else {
                    &OAEP_SHA256_MGF1SHA256
                };
                let k = OaepPublicEncryptingKey::new(public).map_err(|_| Failed)?;
                let mut out = vec![0; k.ciphertext_size()];
                k.encrypt(oaep, &cek, &mut out, None)
                    .map_err(|_| Failed)?
                    .to_vec()
            };
            (cek, wrapped)
        }
        (m, _) if alg.key_kind() == super::KeyKind::Ecdh => {
            let (curve, recipient) = ecdh_public(m).ok_or(Failed)?;
            let ephemeral = PrivateKey::generate(curve.agreement()).map_err(|_| Failed)?;
            let epk = ephemeral.compute_public_key().map_err(|_| Failed)?;
            header.push(("epk", epk_jwk(curve, epk.as_ref())));
            let apu = optional_bytes(party, "apu")?;
            let apv = optional_bytes(party, "apv")?;
            let derived = ecdh_derive(&ephemeral, &recipient, alg, enc, &apu, &apv)?;
            if alg == KeyAlg::EcdhEs {
                (derived, Vec::new())
            } else {
                let cek = content::random_cek(enc)?;
                let wrapped = kw_wrap(&derived, &cek)?;
                (cek, wrapped)
            }
        }
        _ => return Err(Failed),
    };
    Ok(Wrapped {
        cek,
        encrypted_key,
        header,
    })
}

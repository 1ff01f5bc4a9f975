#!/usr/bin/env python3
"""Interoperability of jwb with independent JOSE code, both ways, for every algorithm jwb
signs: joserfc (with pyca/cryptography) for HMAC, RSA, ECDSA (ES256K included) and EdDSA,
and pyca/cryptography itself for ML-DSA, which joserfc does not have yet.

  jwb -> them: `jwb keygen ALG --kid-thumbprint`, `jwb encode` with the private PEM; the
               other side verifies with jwb's public JWK (and its PEM for ML-DSA) and
               computes the same RFC 7638 thumbprint.
  them -> jwb: the other side makes a key and a token; `jwb verify` checks it with the
               public key as PEM and as JWK.

Usage: interop.py PATH-TO-JWB. Prints a line per algorithm and direction; exits 1 when any
fails. Run by `cargo test --test it interop` (tests/it/interop.rs).
"""

import base64
import json
import warnings
import pathlib
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import mldsa
from joserfc import jws
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey, import_key
from joserfc._rfc8812 import register_secp256k1

register_secp256k1()
# joserfc warns that EdDSA is deprecated (RFC 9864); jwb says so too, as a finding.
warnings.filterwarnings("ignore", message="EdDSA is deprecated")

PAYLOAD = '{"sub":"interop","iss":"https://issuer.example"}'
HMAC = {"HS256": 32, "HS384": 48, "HS512": 64}
RSA = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
EC = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521", "ES256K": "secp256k1"}
ED = ["Ed25519", "EdDSA"]
ML_DSA = {
    "ML-DSA-44": mldsa.MLDSA44PrivateKey,
    "ML-DSA-65": mldsa.MLDSA65PrivateKey,
    "ML-DSA-87": mldsa.MLDSA87PrivateKey,
}
ALL = list(HMAC) + RSA + list(EC) + ED + list(ML_DSA)


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def run(jwb, *args):
    return subprocess.run([jwb, *args], capture_output=True, text=True, check=False)


def field(report: str, name: str) -> str:
    for line in report.splitlines():
        if line.startswith(name + " "):
            return line[len(name):].strip().split(" ")[0]
    raise AssertionError(f"no '{name}' line in:\n{report}")


def jwb_to_them(jwb, alg, work: pathlib.Path):
    out = work / alg
    out.mkdir()
    made = run(jwb, "keygen", alg, "--kid-thumbprint", "--out-dir", str(out))
    assert made.returncode == 0, made.stderr
    if alg in HMAC:
        secret = field(made.stdout, "secret")
        token = run(jwb, "encode", "--alg", alg, "--secret-b64", secret, "--payload", PAYLOAD)
        assert token.returncode == 0, token.stderr
        key = OctKey.import_key(unb64u(secret))
        got = jws.deserialize_compact(token.stdout.strip(), key, algorithms=[alg])
        assert json.loads(got.payload)["sub"] == "interop"
        assert key.thumbprint() == field(made.stdout, "thumbprint")
        return
    kid = field(made.stdout, "kid")
    # The files' paths as keygen reports them (named after the kid, or after the algorithm
    # when the kid, base64url, starts with '-').
    files = {name: pathlib.Path(field(made.stdout, name))
             for name in ("private", "public", "jwk", "jwks")}
    token = run(jwb, "encode", "--key", str(files["private"]), f"--kid={kid}",
                "--alg", alg, "--payload", PAYLOAD)
    assert token.returncode == 0, token.stderr
    token = token.stdout.strip()
    jwk = json.loads(files["jwk"].read_text())
    header = json.loads(unb64u(token.split(".")[0]))
    assert header["alg"] == alg and header["kid"] == kid, header
    if alg in ML_DSA:
        public = serialization.load_pem_public_key(files["public"].read_bytes())
        assert public.public_bytes_raw() == unb64u(jwk["pub"])
        head, body, sig = token.split(".")
        public.verify(unb64u(sig), f"{head}.{body}".encode())
        return
    key = import_key(jwk)
    assert key.thumbprint() == kid, (key.thumbprint(), kid)
    got = jws.deserialize_compact(token, key, algorithms=[alg])
    assert json.loads(got.payload)["sub"] == "interop"


def them_to_jwb(jwb, alg, work: pathlib.Path):
    out = work / f"{alg}-theirs"
    out.mkdir()
    header = {"alg": alg, "typ": "JWT"}
    if alg in HMAC:
        key = OctKey.generate_key(HMAC[alg] * 8)
        token = jws.serialize_compact(header, PAYLOAD, key, algorithms=[alg])
        secret = b64u(key.raw_value)
        checks = [("--secret-b64", secret)]
    elif alg in ML_DSA:
        private = ML_DSA[alg].generate()
        public = private.public_key()
        signing_input = f"{b64u(json.dumps(header).encode())}.{b64u(PAYLOAD.encode())}"
        token = f"{signing_input}.{b64u(private.sign(signing_input.encode()))}"
        (out / "public.pem").write_bytes(public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
        (out / "public.jwk.json").write_text(json.dumps(
            {"kty": "AKP", "alg": alg, "pub": b64u(public.public_bytes_raw())}))
        (out / "private.pem").write_bytes(private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        checks = [("--key", str(out / name))
                  for name in ("public.pem", "public.jwk.json", "private.pem")]
    else:
        if alg in RSA:
            key = RSAKey.generate_key(2048)
        elif alg in EC:
            key = ECKey.generate_key(EC[alg])
        else:
            key = OKPKey.generate_key("Ed25519")
        token = jws.serialize_compact(header, PAYLOAD, key, algorithms=[alg])
        (out / "public.pem").write_bytes(key.as_pem(private=False))
        (out / "public.jwk.json").write_text(json.dumps(key.as_dict(private=False)))
        (out / "private.pem").write_bytes(key.as_pem(private=True))
        checks = [("--key", str(out / name))
                  for name in ("public.pem", "public.jwk.json", "private.pem")]
    for option, value in checks:
        verdict = run(jwb, "verify", "--alg", alg, option, value, token)
        assert verdict.returncode == 0, f"{option} {value}: {verdict.stdout}{verdict.stderr}"


def main() -> int:
    jwb = sys.argv[1]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        for alg in ALL:
            for name, direction in (("jwb -> them", jwb_to_them), ("them -> jwb", them_to_jwb)):
                try:
                    direction(jwb, alg, work)
                    print(f"ok    {alg:<10} {name}")
                except Exception as err:  # noqa: BLE001 - every failure is reported
                    failures += 1
                    print(f"FAIL  {alg:<10} {name}: {err}")
    print(f"{len(ALL) * 2 - failures} of {len(ALL) * 2} passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

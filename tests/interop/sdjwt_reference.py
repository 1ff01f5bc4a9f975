#!/usr/bin/env python3
"""The SD-JWT reference implementation (PyPI `sd-jwt`, pinned in .ci/run) on jwb's side:

  sdjwt_reference.py issue FIXTURES AUD NONCE   prints an SD-JWT+KB issued and presented by it
  sdjwt_reference.py verify FIXTURES TOKEN AUD NONCE
                                                verifies a presentation (jwb's), prints the
                                                processed payload as JSON; exits 1 if refused

FIXTURES is tests/fixtures/sdjwt (the RFC 9901 example keys).
"""
import json
import sys

from jwcrypto.jwk import JWK
from sd_jwt.common import SDObj
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier


def key(fixtures, name):
    with open(f"{fixtures}/{name}") as f:
        return JWK.from_json(f.read())


def issue(fixtures, aud, nonce):
    claims = {
        "iss": "https://issuer.example.com",
        "iat": 1683000000,
        "exp": 1883000000,
        "vct": "urn:example:interop",
        SDObj("given_name"): "Erika",
        SDObj("family_name"): "Mustermann",
        SDObj("address"): {SDObj("locality"): "Köln", "country": "DE"},
        "nationalities": [SDObj("DE"), "FR"],
    }
    issuer = SDJWTIssuer(
        claims,
        key(fixtures, "issuer_private.jwk"),
        key(fixtures, "holder_private.jwk"),
        add_decoy_claims=True,
        extra_header_parameters={"typ": "dc+sd-jwt"},
    )
    holder = SDJWTHolder(issuer.sd_jwt_issuance)
    holder.create_presentation(
        {"given_name": True, "address": {"locality": True}, "nationalities": [True]},
        nonce,
        aud,
        key(fixtures, "holder_private.jwk"),
    )
    print(holder.sd_jwt_presentation)


def verify(fixtures, token, aud, nonce):
    public = key(fixtures, "issuer_public.jwk")
    try:
        verifier = SDJWTVerifier(token, lambda iss, header: public, aud, nonce)
        print(json.dumps(verifier.get_verified_payload()))
    except Exception as e:  # the verdict is the exit status
        print(f"refused: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    if sys.argv[1] == "issue":
        issue(*sys.argv[2:5])
    else:
        verify(*sys.argv[2:6])

use super::*;
use serde_json::json;

const NOW: f64 = 1_700_000_100.0;

fn object(v: &Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

/// An RFC 9068 access token (its sec. 2.2 members, typ `at+jwt`).
fn access_token() -> (Value, Value) {
    (
        json!({"alg": "RS256", "typ": "at+jwt", "kid": "k1"}),
        json!({
            "iss": "https://as.example.com/", "exp": 1_700_000_900, "aud": "https://rs.example.com/",
            "sub": "5ba552d67", "client_id": "s6BhdRkqt3", "iat": 1_700_000_000,
            "jti": "dbe39bf3a3ba4238a513f51d6e1691c4", "scope": "openid profile reademail"
        }),
    )
}

/// An OpenID Connect ID token (its sec. 2 members).
fn id_token() -> (Value, Value) {
    (
        json!({"alg": "RS256", "kid": "1e9gdk7"}),
        json!({
            "iss": "https://server.example.com", "sub": "248289761001", "aud": "s6BhdRkqt3",
            "nonce": "n-0S6_WzA2Mj", "exp": 1_700_000_900, "iat": 1_700_000_000
        }),
    )
}

/// A back-channel logout token (its sec. 2.4 example, typed).
fn logout_token() -> (Value, Value) {
    (
        json!({"alg": "RS256", "typ": "logout+jwt"}),
        json!({
            "iss": "https://server.example.com", "sub": "248289761001", "aud": "s6BhdRkqt3",
            "iat": 1_700_000_000, "exp": 1_700_000_120, "jti": "bWJq",
            "sid": "08a5019c-17e1-4977-8f42-65a12843ea02",
            "events": {"http://schemas.openid.net/event/backchannel-logout": {}}
        }),
    )
}

fn opts(profile: Profile) -> ClaimOptions {
    ClaimOptions {
        now: NOW,
        aud: if profile == Profile::AccessToken {
            vec!["https://rs.example.com/".into()]
        } else {
            Vec::new()
        },
        iss: Some(
            if profile == Profile::AccessToken {
                "https://as.example.com/"
            } else {
                "https://server.example.com"
            }
            .into(),
        ),
        profile: ProfileOptions {
            profile: Some(profile),
            client_id: Some("s6BhdRkqt3".into()),
            ..ProfileOptions::default()
        },
        ..ClaimOptions::default()
    }
}

fn run(header: &Value, claims: &Value, opts: &ClaimOptions) -> ClaimReport {
    check(Some(&object(header)), Some(&object(claims)), opts)
}

/// Applies an edit: `Some(value)` sets a member, `None` removes it; names starting with
/// `h.` are header members.
fn edited(token: &(Value, Value), edits: &[(&str, Option<Value>)]) -> (Value, Value) {
    let (mut header, mut claims) = token.clone();
    for (name, value) in edits {
        let (target, name) = match name.strip_prefix("h.") {
            Some(h) => (&mut header, h),
            None => (&mut claims, *name),
        };
        let map = target.as_object_mut().unwrap();
        match value {
            Some(v) => {
                map.insert(name.to_string(), v.clone());
            }
            None => {
                map.remove(name);
            }
        }
    }
    (header, claims)
}

/// One change to a token: a member set (`Some`) or removed (`None`).
type Edit<'a> = (&'a str, Option<Value>);

/// Each case breaks one member (what is changed, which check must fail, and words its
/// detail must hold, the section among them).
fn assert_cases(profile: Profile, token: &(Value, Value), cases: &[(Vec<Edit>, &str, &str)]) {
    let opts = opts(profile);
    let good = run(&token.0, &token.1, &opts);
    assert!(good.is_valid(), "{profile}: {good:#?}");
    for (edits, claim, words) in cases {
        let (h, c) = edited(token, edits);
        let report = run(&h, &c, &opts);
        let check = report
            .get(claim)
            .unwrap_or_else(|| panic!("{profile} {edits:?}: no {claim} check in {report:#?}"));
        assert_eq!(check.status, Status::Fail, "{profile} {edits:?}: {check:?}");
        assert!(
            check.detail.contains(words),
            "{profile} {edits:?}: '{}' lacks '{words}'",
            check.detail
        );
        assert!(!report.is_valid());
    }
}

#[test]
fn an_access_token_passes_and_fails_on_each_member_with_its_section() {
    let cases = vec![
        (vec![("h.typ", None)], "typ", "RFC 9068 sec. 2.1"),
        (
            vec![("h.typ", Some(json!("JWT")))],
            "typ",
            "RFC 9068 sec. 2.1",
        ),
        (
            vec![("h.alg", Some(json!("none")))],
            "alg",
            "RFC 9068 sec. 2.1",
        ),
        (vec![("iss", None)], "iss", "RFC 9068 sec. 2.2"),
        (vec![("exp", None)], "exp", "RFC 9068 sec. 2.2"),
        (vec![("aud", None)], "aud", "RFC 9068 sec. 2.2"),
        (vec![("sub", None)], "sub", "RFC 9068 sec. 2.2"),
        (vec![("client_id", None)], "client_id", "RFC 9068 sec. 2.2"),
        (vec![("iat", None)], "iat", "RFC 9068 sec. 2.2"),
        (vec![("jti", None)], "jti", "RFC 9068 sec. 2.2"),
        (vec![("jti", Some(json!(7)))], "jti", "RFC 9068 sec. 2.2"),
        (
            vec![("client_id", Some(json!("other")))],
            "client_id",
            "RFC 9068 sec. 2.2",
        ),
        (
            vec![("iss", Some(json!("https://evil.example.com/")))],
            "iss",
            "not the required",
        ),
        (
            vec![("aud", Some(json!("https://other.example.com/")))],
            "aud",
            "someone else",
        ),
    ];
    assert_cases(Profile::AccessToken, &access_token(), &cases);
    // `application/at+jwt`, in any case, is the same type (RFC 7515 sec. 4.1.9).
    let (h, c) = edited(
        &access_token(),
        &[("h.typ", Some(json!("Application/AT+JWT")))],
    );
    assert!(run(&h, &c, &opts(Profile::AccessToken)).is_valid());
}

#[test]
fn an_access_token_without_aud_fails_even_with_no_audience_asked() {
    let mut o = opts(Profile::AccessToken);
    o.aud.clear();
    let (h, c) = edited(&access_token(), &[("aud", None)]);
    let check = run(&h, &c, &o).get("aud").unwrap().clone();
    assert_eq!(check.status, Status::Fail);
    assert!(check.detail.contains("RFC 9068 sec. 2.2"), "{check:?}");
}

#[test]
fn an_id_token_passes_and_fails_on_each_member_with_its_section() {
    let cases = vec![
        (vec![("iss", None)], "iss", "OpenID Connect Core 1.0 sec. 2"),
        (vec![("sub", None)], "sub", "OpenID Connect Core 1.0 sec. 2"),
        (
            vec![("sub", Some(json!("x".repeat(256))))],
            "sub",
            "255 ASCII",
        ),
        (vec![("aud", None)], "aud", "OpenID Connect Core 1.0 sec. 2"),
        (vec![("exp", None)], "exp", "OpenID Connect Core 1.0 sec. 2"),
        (vec![("iat", None)], "iat", "OpenID Connect Core 1.0 sec. 2"),
        (
            vec![("aud", Some(json!("another-client")))],
            "aud",
            "sec. 3.1.3.7",
        ),
        (
            vec![("aud", Some(json!(["s6BhdRkqt3", "stranger"])))],
            "aud",
            "sec. 3.1.3.7",
        ),
        (
            vec![("azp", Some(json!("another-client")))],
            "azp",
            "sec. 3.1.3.7",
        ),
        (
            vec![("h.alg", Some(json!("none")))],
            "alg",
            "OpenID Connect Core 1.0 sec. 2",
        ),
        (
            vec![("h.typ", Some(json!("at+jwt")))],
            "typ",
            "RFC 8725 sec. 3.11",
        ),
        (
            vec![("h.typ", Some(json!("logout+jwt")))],
            "typ",
            "offered as an OpenID Connect ID token",
        ),
    ];
    assert_cases(Profile::IdToken, &id_token(), &cases);
}

#[test]
fn an_id_token_checks_nonce_and_the_hashes_when_given() {
    let (h, c) = id_token();
    let mut o = opts(Profile::IdToken);
    o.profile.nonce = Some("n-0S6_WzA2Mj".into());
    assert_eq!(run(&h, &c, &o).get("nonce").unwrap().status, Status::Pass);
    o.profile.nonce = Some("another".into());
    let check = run(&h, &c, &o).get("nonce").unwrap().clone();
    assert_eq!(check.status, Status::Fail);
    assert!(check.detail.contains("sec. 3.1.3.7"), "{check:?}");
    let (h, no_nonce) = edited(&id_token(), &[("nonce", None)]);
    assert_eq!(
        run(&h, &no_nonce, &o).get("nonce").unwrap().status,
        Status::Fail
    );

    // OpenID Connect Core 1.0 Appendix A.6: RS256, both hashes.
    let mut o = opts(Profile::IdToken);
    o.profile.access_token = Some("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y".into());
    o.profile.code = Some("Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk".into());
    let (h, c) = edited(
        &id_token(),
        &[
            ("at_hash", Some(json!("77QmUPtjPfzWtF2AnpK9RQ"))),
            ("c_hash", Some(json!("LDktKdoQak3Pk0cnXxCltA"))),
        ],
    );
    let r = run(&h, &c, &o);
    assert!(r.is_valid(), "{r:#?}");
    assert_eq!(r.get("at_hash").unwrap().status, Status::Pass);
    assert_eq!(r.get("c_hash").unwrap().status, Status::Pass);
    let (h, c) = edited(
        &id_token(),
        &[("at_hash", Some(json!("77QmUPtjPfzWtF2AnpK9RA")))],
    );
    let check = run(&h, &c, &o).get("at_hash").unwrap().clone();
    assert_eq!(check.status, Status::Fail);
    assert!(
        check.detail.contains("sec. 3.2.2.9") && check.detail.contains("77QmUPtjPfzWtF2AnpK9RQ")
    );
    let (h, c) = edited(&id_token(), &[("c_hash", Some(json!("AAAA")))]);
    assert!(
        run(&h, &c, &o)
            .get("c_hash")
            .unwrap()
            .detail
            .contains("sec. 3.3.2.10")
    );
    // Given but absent: not bound, which the code flow allows: a warning.
    let (h, c) = id_token();
    assert_eq!(run(&h, &c, &o).get("at_hash").unwrap().status, Status::Warn);
    // No hash is defined for none.
    let (h, c) = edited(
        &id_token(),
        &[
            ("h.alg", Some(json!("HS257"))),
            ("at_hash", Some(json!("77QmUPtjPfzWtF2AnpK9RQ"))),
        ],
    );
    assert!(
        run(&h, &c, &o)
            .get("at_hash")
            .unwrap()
            .detail
            .contains("no hash is defined")
    );
}

#[test]
fn token_hashes_follow_the_implementers_guide_table() {
    // Table 2 of the OpenID Connect Token Hash Algorithm Implementer's Guide 1.0, draft 00.
    let token = b"YmJiZTAwYmYtMzgyOC00NzhkLTkyOTItNjJjNDM3MGYzOWIy9sFhvH8K_x8UIHj1osisS57f5DduL";
    let table = [
        ("RS256", "xsZZrUssMXjL3FBlzoSh2g"),
        ("ES256K", "xsZZrUssMXjL3FBlzoSh2g"),
        ("PS384", "adt46pcdiB-l6eTNifgoVM-5AIJAxq84"),
        ("HS512", "p2LHG4H-8pYDc0hyVOo3iIHvZJUqe9tbj3jESOuXbkY"),
        ("Ed25519", "p2LHG4H-8pYDc0hyVOo3iIHvZJUqe9tbj3jESOuXbkY"),
        (
            "Ed448",
            "sB_U72jyb0WgtX8TsVoqJnm6CD295W9gfSDRxkilB3LAL7REi9JYutRW_s1yE4lD8cOfMZf83gi4",
        ),
        ("ML-DSA-44", "sB_U72jyb0WgtX8TsVoqJnm6CD295W9gfSDRxkilB3I"),
        ("ML-DSA-87", "sB_U72jyb0WgtX8TsVoqJnm6CD295W9gfSDRxkilB3I"),
    ];
    for (alg, want) in table {
        let hashes = token_hashes(alg);
        assert_eq!(hashes.len(), 1, "{alg}");
        assert_eq!(hashes[0].half(token), want, "{alg}");
    }
    // EdDSA: the key's curve decides; both readings, told apart by their length.
    let eddsa: Vec<String> = token_hashes("EdDSA")
        .iter()
        .map(|h| h.half(token))
        .collect();
    assert_eq!(eddsa.len(), 2);
    assert_eq!(eddsa[0], "p2LHG4H-8pYDc0hyVOo3iIHvZJUqe9tbj3jESOuXbkY");
    assert_ne!(eddsa[0].len(), eddsa[1].len());
    assert!(token_hashes("none").is_empty());
}

#[test]
fn a_logout_token_passes_and_fails_on_each_member_with_its_section() {
    let cases = vec![
        (
            vec![("iss", None)],
            "iss",
            "Back-Channel Logout 1.0 sec. 2.4",
        ),
        (
            vec![("aud", None)],
            "aud",
            "Back-Channel Logout 1.0 sec. 2.4",
        ),
        (
            vec![("iat", None)],
            "iat",
            "Back-Channel Logout 1.0 sec. 2.4",
        ),
        (
            vec![("exp", None)],
            "exp",
            "Back-Channel Logout 1.0 sec. 2.4",
        ),
        (
            vec![("jti", None)],
            "jti",
            "Back-Channel Logout 1.0 sec. 2.4",
        ),
        (
            vec![("events", None)],
            "events",
            "Back-Channel Logout 1.0 sec. 2.4",
        ),
        (
            vec![("events", Some(json!({"x": {}})))],
            "events",
            "sec. 2.6",
        ),
        (vec![("events", Some(json!([])))], "events", "sec. 2.4"),
        (
            vec![(
                "events",
                Some(json!({"http://schemas.openid.net/event/backchannel-logout": 1})),
            )],
            "events",
            "sec. 2.4",
        ),
        (vec![("sub", None), ("sid", None)], "sub", "sec. 2.6"),
        (vec![("nonce", Some(json!("n")))], "nonce", "sec. 2.4"),
        (vec![("h.alg", Some(json!("none")))], "alg", "sec. 2.6"),
        (
            vec![("aud", Some(json!("another-client")))],
            "aud",
            "sec. 2.6",
        ),
        (
            vec![("h.typ", Some(json!("at+jwt")))],
            "typ",
            "Back-Channel Logout 1.0 sec. 4.1",
        ),
    ];
    assert_cases(Profile::Logout, &logout_token(), &cases);
    // Either of sub and sid is enough; an untyped token is only warned about.
    for edits in [vec![("sub", None)], vec![("sid", None)]] {
        let (h, c) = edited(&logout_token(), &edits);
        assert!(run(&h, &c, &opts(Profile::Logout)).is_valid(), "{edits:?}");
    }
    let (h, c) = edited(&logout_token(), &[("h.typ", None)]);
    let r = run(&h, &c, &opts(Profile::Logout));
    assert!(r.is_valid());
    assert_eq!(r.get("typ").unwrap().status, Status::Warn);
}

#[test]
fn a_token_of_one_kind_offered_as_another_names_the_confusion() {
    let dpop = (
        json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": {}}),
        json!({"jti": "-BwC3ESc6acc2lTc", "htm": "POST", "htu": "https://server.example.com/token", "iat": 1_700_000_000}),
    );
    let cases: Vec<(Profile, (Value, Value), &str)> = vec![
        (
            Profile::AccessToken,
            id_token(),
            "An OpenID Connect ID token offered as an access token",
        ),
        (
            Profile::AccessToken,
            dpop.clone(),
            "A DPoP proof (RFC 9449) offered as an access token",
        ),
        (
            Profile::IdToken,
            dpop.clone(),
            "A DPoP proof (RFC 9449) offered as an OpenID Connect ID token",
        ),
        (
            Profile::IdToken,
            logout_token(),
            "A back-channel logout token offered as an OpenID Connect ID token",
        ),
        (
            Profile::IdToken,
            access_token(),
            "An access token (RFC 9068) offered as an OpenID Connect ID token",
        ),
    ];
    for (profile, (h, c), words) in cases {
        let r = run(&h, &c, &opts(profile));
        let typ = r.get("typ").unwrap();
        assert_eq!(typ.status, Status::Fail, "{profile}: {typ:?}");
        assert!(typ.detail.starts_with(words), "{profile}: {}", typ.detail);
        assert!(typ.detail.contains("RFC 8725 sec. 3.11"), "{}", typ.detail);
    }
    // Untyped, an ID token only looks like one: a warning (its nonce fails the logout
    // profile anyway); an untyped logout token is still recognised by its event.
    let r = run(&id_token().0, &id_token().1, &opts(Profile::Logout));
    let typ = r.get("typ").unwrap();
    assert_eq!(typ.status, Status::Warn, "{typ:?}");
    assert!(
        typ.detail
            .starts_with("An OpenID Connect ID token offered as a back-channel logout token")
    );
    assert_eq!(r.get("nonce").unwrap().status, Status::Fail);
    let (h, c) = edited(&logout_token(), &[("h.typ", None)]);
    let typ = run(&h, &c, &opts(Profile::IdToken))
        .get("typ")
        .unwrap()
        .clone();
    assert!(
        typ.detail.contains("the back-channel logout event"),
        "{typ:?}"
    );
}

#[test]
fn without_a_profile_the_checks_are_the_plain_ones() {
    let (h, c) = id_token();
    let plain = ClaimOptions {
        now: NOW,
        aud: vec!["s6BhdRkqt3".into()],
        ..ClaimOptions::default()
    };
    assert_eq!(
        check(Some(&object(&h)), Some(&object(&c)), &plain),
        check_claims(Some(&object(&c)), &plain)
    );
}

#[test]
fn the_kind_a_token_appears_to_be_and_what_it_lacks() {
    let (h, c) = id_token();
    let (kind, why) = appears(Some(&object(&h)), Some(&object(&c))).unwrap();
    assert_eq!((kind, why.as_str()), (Kind::IdToken, "nonce"));
    assert!(lacks(Profile::IdToken, Some(&object(&h)), &object(&c)).is_empty());
    let (h, c) = edited(&access_token(), &[("jti", None), ("h.typ", None)]);
    let (kind, _) = appears(Some(&object(&h)), Some(&object(&c))).unwrap();
    assert_eq!(kind, Kind::AccessToken);
    assert_eq!(
        lacks(Profile::AccessToken, Some(&object(&h)), &object(&c)),
        [
            ("typ at+jwt", "RFC 9068 sec. 2.1"),
            ("jti", "RFC 9068 sec. 2.2")
        ]
    );
    let (h, c) = logout_token();
    assert_eq!(
        appears(Some(&object(&h)), Some(&object(&c))).unwrap().0,
        Kind::Logout
    );
    assert_eq!(appears(None, Some(&object(&json!({"sub": "x"})))), None);
}

#[test]
fn profile_names_parse_and_credentials_stay_out_of_debug() {
    for p in Profile::ALL {
        assert_eq!(Profile::parse(p.name()), Ok(p));
    }
    assert_eq!(
        Profile::parse("application/at+jwt"),
        Ok(Profile::AccessToken)
    );
    assert!(
        Profile::parse("saml")
            .unwrap_err()
            .contains("at+jwt, id-token, logout")
    );
    let o = ProfileOptions {
        access_token: Some("secret-access-token".into()),
        code: Some("secret-code".into()),
        ..ProfileOptions::of(Profile::IdToken)
    };
    let shown = format!("{o:?}");
    assert!(!shown.contains("secret"), "{shown}");
}

#[test]
fn the_audiences_given_stand_for_the_client_when_no_client_id_is() {
    let (h, c) = id_token();
    let mut o = opts(Profile::IdToken);
    o.profile.client_id = None;
    let no_one = run(&h, &c, &o);
    assert_eq!(no_one.get("aud").unwrap().status, Status::Fail);
    assert!(no_one.get("aud").unwrap().detail.contains("--client-id"));
    o.aud = vec!["s6BhdRkqt3".into()];
    assert!(run(&h, &c, &o).is_valid());
}

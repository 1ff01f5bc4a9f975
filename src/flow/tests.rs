//! Unit tests of the flow simulator: one per mechanism, then a scripted session.
#![allow(clippy::many_single_char_names)]

use super::*;
use crate::jose::decode::decode;

fn sim() -> Simulator {
    Simulator::new(Config::default())
}

fn reason(entry: &TimelineEntry) -> String {
    entry.verdict.reason().unwrap_or("ok").to_owned()
}

fn claims(sim: &Simulator, id: TokenId) -> serde_json::Map<String, serde_json::Value> {
    let compact = sim.compact(id).unwrap();
    decode(compact).claims().unwrap().clone()
}

fn ok(s: &mut Simulator, action: Move) -> TimelineEntry {
    let e = s.apply(action).clone();
    assert!(e.verdict.is_ok(), "{action:?}: {e:?}");
    e
}

fn refused(s: &mut Simulator, action: Move) -> TimelineEntry {
    let e = s.apply(action).clone();
    assert!(!e.verdict.is_ok(), "{action:?} was accepted: {e:?}");
    e
}

#[test]
fn login_is_the_code_flow_with_pkce_and_issues_rfc9068_access_tokens() {
    let mut s = sim();
    s.apply(Move::Login);
    let (authorize, token) = (&s.timeline()[0], &s.timeline()[1]);
    let verifier = s.verifier().unwrap().to_owned();
    assert!(
        verifier.len() >= 43,
        "RFC 7636 sec. 4.1: 43 characters at least"
    );
    assert!(
        authorize
            .request
            .starts_with("GET /authorize?response_type=code")
    );
    assert!(authorize.request.contains(&format!(
        "code_challenge={}&code_challenge_method=S256",
        code_challenge(&verifier)
    )));
    assert!(
        !authorize.request.contains(&verifier),
        "the verifier stays home"
    );
    assert!(authorize.response.starts_with("302 Found"));
    assert!(authorize.lesson.contains("RFC 9700 sec. 2.4"));
    assert!(token.request.contains(&format!("code_verifier={verifier}")));
    assert!(token.verdict.is_ok());
    let w = s.client();
    let (access, id, refresh) = (w.access.unwrap(), w.id.unwrap(), w.refresh.unwrap());
    assert_eq!(token.issued, vec![access, id, refresh]);
    let now = s.now();

    let d = decode(s.compact(access).unwrap());
    assert_eq!(d.header_str("typ"), Some("at+jwt"));
    assert_eq!(d.header_str("alg"), Some("ES256"));
    assert_eq!(d.header_str("kid"), Some("k1"));
    let a = claims(&s, access);
    assert_eq!(a["iss"], "https://auth.example");
    assert_eq!(a["sub"], "alice");
    assert_eq!(a["client_id"], "spa-client");
    assert_eq!(a["aud"], serde_json::json!(["api-a", "api-c", "api-d"]));
    assert_eq!(a["iat"], now);
    assert_eq!(a["exp"], now + 300);
    assert_eq!(a["jti"].as_str().unwrap().len(), 16);
    assert!(a.get("cnf").is_none(), "bearer unless DPoP is on");
    let i = claims(&s, id);
    assert_eq!(i["aud"], "spa-client");
    assert!(i["nonce"].is_string());
    // The refresh token is an opaque handle, not a JWT.
    assert!(s.compact(refresh).unwrap().starts_with("rt_"));
    assert_eq!(s.remaining(refresh), Some(36 * 3600));

    // Really signed with ES256: the published JWKS verifies, a tampered copy fails, and the
    // JWKS carries no private member.
    let jwks = s.server().published();
    let good = check_jwt(
        s.compact(access).unwrap(),
        &jwks,
        "api-a",
        "https://auth.example",
        now,
        0,
        Some("at+jwt"),
    );
    assert_eq!(good, Ok(()));
    let tampered = s.compact(access).unwrap().replacen('.', ".e", 1);
    assert!(
        check_jwt(
            &tampered,
            &jwks,
            "api-a",
            "https://auth.example",
            now,
            0,
            None
        )
        .is_err()
    );
    assert!(!s.server().jwks().contains("\"d\""));
}

#[test]
fn a_stolen_code_without_the_verifier_is_refused() {
    let mut s = sim();
    s.apply(Move::RedeemStolenCode);
    // Staged as RFC 7636 sec. 1 tells it: the client's authorization request, the thief's
    // redemption first (refused by PKCE), then the client's, which still works.
    let t = s.timeline();
    assert_eq!(t.len(), 3, "{t:#?}");
    assert!(t[0].request.starts_with("GET /authorize"));
    let e = &t[1];
    assert_eq!(e.actor, Actor::Attacker);
    assert!(reason(e).starts_with("PKCE verification failed"), "{e:?}");
    assert!(e.lesson.contains("raced the client"));
    crate::jose::citations::assert_cites(&e.lesson, "RFC 7636 sec. 1");
    crate::jose::citations::assert_cites(&e.lesson, "RFC 7636 sec. 4.6");
    crate::jose::citations::assert_cites(&e.lesson, "RFC 9700 sec. 4.5");
    assert_eq!(
        crate::jose::citations::topic("RFC 9700 sec. 4.5"),
        Some("Authorization Code Injection")
    );
    assert!(
        !e.lesson.contains("the code alone would have bought"),
        "the code was not yet redeemed: say what stopped the first redemption"
    );
    let client = &t[2];
    assert_eq!(client.actor, Actor::Client);
    assert!(client.verdict.is_ok(), "{client:?}");
    assert!(s.client().access.is_some());
    crate::jose::citations::assert_cites(&client.lesson, "RFC 6749 sec. 4.1.2");
    // At the server: a wrong verifier never works, the right one works once, for the client
    // and redirect URI the code was issued to.
    let (cid, uri) = ("spa-client", "https://app.example/cb");
    let mut server = AuthServer::new("https://auth.example", 1, 0);
    let right = "right-verifier-right-verifier-right-verifier";
    let code = server.issue_code(&code_challenge(right), cid, uri, 0, 60);
    assert!(matches!(
        server.redeem_code(
            &code,
            "wrong-verifier-wrong-verifier-wrong-verifier",
            cid,
            uri,
            1
        ),
        Err(GrantError::PkceMismatch { .. })
    ));
    assert_eq!(
        server.redeem_code(&code, right, "other-client", uri, 1),
        Err(GrantError::ClientMismatch)
    );
    assert_eq!(
        server.redeem_code(&code, right, cid, "https://evil.example/cb", 1),
        Err(GrantError::RedirectMismatch)
    );
    assert_eq!(server.redeem_code(&code, right, cid, uri, 1), Ok(()));
    assert_eq!(
        server.redeem_code(&code, right, cid, uri, 2),
        Err(GrantError::CodeUsed)
    );
    let v = "v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v";
    let late = server.issue_code(&code_challenge(v), cid, uri, 0, 60);
    assert_eq!(
        server.redeem_code(&late, v, cid, uri, 60),
        Err(GrantError::CodeExpired)
    );
}

#[test]
fn the_token_request_names_its_redirect_uri_and_client() {
    let mut s = sim();
    s.apply(Move::Login);
    let token = &s.timeline()[1];
    assert!(
        token
            .request
            .contains("redirect_uri=https://app.example/cb client_id=spa-client"),
        "RFC 6749 sec. 4.1.3: {}",
        token.request
    );
}

#[test]
fn a_revocation_is_told_with_its_own_reason() {
    let mut s = sim();
    s.apply(Move::Login);
    ok(&mut s, Move::CallApiA); // API A syncs its deny-list copy now.
    s.apply(Move::Refresh);
    // The attacker presents the used refresh token: reuse detection revokes the family and
    // deny-lists the live access token.
    refused(&mut s, Move::ReplayOldRefresh);
    // API A synchronized its copy a moment ago: it lags, and says why the token was revoked.
    let e = ok(&mut s, Move::CallApiA);
    assert!(e.lesson.contains("revoked (reuse detected"), "{}", e.lesson);
    assert!(!e.lesson.contains("logout"), "{}", e.lesson);
    let lag = lessons::revocation_lag("A", "access token #2", "reuse detected", "T+0s");
    assert!(lag.contains("revoked (reuse detected)"));
    assert!(!lag.contains("logout"));
}

#[test]
fn lessons_cite_the_section_about_their_topic() {
    let aud = lessons::wrong_audience("B", "access token #1", "API A");
    crate::jose::citations::assert_cites(&aud, "RFC 8725 sec. 3.9");
    crate::jose::citations::assert_cites(&aud, "RFC 9068 sec. 4");
    // The audience section is cited for the audience check, not for the keys.
    let keys = &aud[aud.find("With ES256").expect("keys sentence")..];
    assert!(!keys.contains("8725 sec. 3.9"), "{keys}");
    let dpop = lessons::dpop_refused("access token #1");
    crate::jose::citations::assert_cites(&dpop, "RFC 9449 sec. 11.4");
    assert!(dpop.contains("Not against everything"), "qualified: {dpop}");
}

#[test]
fn apis_check_signature_aud_exp_and_typ() {
    let mut s = sim();
    s.apply(Move::Login);
    let first = ok(&mut s, Move::CallApiA);
    assert!(
        first.response.contains("fetched the JWKS (k1)"),
        "{first:?}"
    );
    assert!(ok(&mut s, Move::CallApiA).response == "200 OK: the orders");
    let b = refused(&mut s, Move::CallApiB);
    assert!(reason(&b).starts_with("aud:"), "{b:?}");
    assert!(b.lesson.contains("RFC 8725 sec. 3.9"));
    let id = refused(&mut s, Move::SendIdToken);
    assert_eq!(reason(&id), "typ is 'JWT', not 'at+jwt'");
    assert!(id.lesson.contains("RFC 9068 sec. 4"));
    s.apply(Move::Advance(299));
    ok(&mut s, Move::CallApiA);
    s.apply(Move::Advance(1));
    let e = refused(&mut s, Move::CallApiA);
    assert_eq!(reason(&e), "exp: expired 0s ago");
    assert!(e.lesson.contains("on or after exp"));
}

#[test]
fn key_rotation_publishes_then_signs_then_retires_after_the_last_token_expired() {
    let mut s = sim();
    s.apply(Move::Login);
    ok(&mut s, Move::CallApiA); // API A caches the JWKS with k1 only.
    // Stage 1: k2 is published, k1 still signs.
    let e = ok(&mut s, Move::RotateKeys);
    assert!(e.response.contains("'k2' published"), "{e:?}");
    assert_eq!(s.server().active_key().unwrap().kid(), "k1");
    assert!(s.server().jwks().contains("\"k2\""));
    assert_eq!(
        s.api(ApiId::A).unwrap().jwks.as_ref().unwrap().kids,
        ["k1"],
        "API A's cache does not know k2 yet"
    );
    // Retiring now is refused: nothing is retiring.
    refused(&mut s, Move::RetireOldKey);
    // Stage 2: k2 signs; k1 retires but stays published.
    ok(&mut s, Move::RotateKeys);
    assert_eq!(s.server().active_key().unwrap().kid(), "k2");
    let old_access = s.client().access.unwrap();
    s.apply(Move::Refresh);
    let new_access = s.client().access.unwrap();
    assert_eq!(s.token(new_access).unwrap().kid, "k2");
    // API A meets an unknown kid, refetches the JWKS and accepts.
    let call = ok(&mut s, Move::CallApiA);
    assert!(
        call.response
            .contains("unknown kid 'k2': fetched the JWKS (k1, k2)"),
        "{call:?}"
    );
    // Stage 3 must wait for k1's longest-lived token.
    let wait = refused(&mut s, Move::RetireOldKey);
    assert!(
        reason(&wait).contains("key 'k1' signed tokens that live until"),
        "{wait:?}"
    );
    assert!(s.server().jwks().contains("\"k1\""));
    let until = s.server().last_expiry("k1").unwrap();
    s.apply(Move::Advance(until - s.now()));
    ok(&mut s, Move::RetireOldKey);
    assert!(!s.server().jwks().contains("\"k1\""));
    assert_eq!(s.server().keys()[0].status, KeyStatus::Retired);
    // A k1 token is now refused for its unknown kid (it had expired anyway).
    let jwks = s.server().published();
    let err = check_jwt(
        s.compact(old_access).unwrap(),
        &jwks,
        "api-a",
        "https://auth.example",
        s.now(),
        0,
        None,
    );
    assert!(matches!(err, Err(Failure::UnknownKid { .. })), "{err:?}");
}

#[test]
fn refresh_rotates_and_reuse_revokes_the_family() {
    let mut s = sim();
    s.apply(Move::Login);
    let old = s.client();
    s.apply(Move::Advance(300));
    let entry = ok(&mut s, Move::Refresh);
    let new = s.client();
    assert_ne!(new.access, old.access);
    assert_ne!(new.refresh, old.refresh);
    assert_eq!(
        entry.issued,
        vec![new.access.unwrap(), new.refresh.unwrap()]
    );
    let record = s.server().refresh_record(old.refresh.unwrap()).unwrap();
    assert_eq!(record.status, RefreshStatus::Used);
    assert_eq!(
        record.rotated_to,
        Some((new.access.unwrap(), new.refresh.unwrap()))
    );
    // The attacker replays the copy it took at login: reuse, the family dies.
    let replay = refused(&mut s, Move::ReplayOldRefresh);
    assert!(reason(&replay).starts_with("reuse detected: refresh #1 was already exchanged"));
    assert!(replay.lesson.contains("RFC 9700 sec. 4.14.2"));
    let family = &s.token(new.refresh.unwrap()).unwrap().family;
    assert!(s.server().family(family).unwrap().revoked.is_some());
    assert_eq!(
        s.server()
            .refresh_record(new.refresh.unwrap())
            .unwrap()
            .status,
        RefreshStatus::Revoked
    );
    refused(&mut s, Move::Refresh);
    // The live access token went on the deny-list.
    assert!(
        s.server()
            .denied(&s.token(new.access.unwrap()).unwrap().jti)
            .is_some()
    );
}

#[test]
fn sessions_end_at_the_idle_and_at_the_absolute_lifetime() {
    // Used every day, the session still ends 3 days after login.
    let mut s = sim();
    s.apply(Move::Login);
    s.apply(Move::Advance(86_400));
    ok(&mut s, Move::Refresh);
    s.apply(Move::Advance(86_400));
    ok(&mut s, Move::Refresh);
    let capped = s.client().refresh.unwrap();
    assert_eq!(
        s.token(capped).unwrap().exp,
        s.config().start + 3 * 86_400,
        "capped by the session"
    );
    s.apply(Move::Advance(86_400));
    let e = refused(&mut s, Move::Refresh);
    assert!(
        reason(&e).starts_with("the session reached its absolute lifetime (3d 0h)"),
        "{e:?}"
    );
    assert!(e.lesson.contains("could live forever"));
    // Unused for two days, it ends at the idle lifetime (36 h).
    let mut s = sim();
    s.apply(Move::Login);
    s.apply(Move::Advance(2 * 86_400));
    let e = refused(&mut s, Move::Refresh);
    assert!(reason(&e).contains("idle lifetime 1d 12h"), "{e:?}");
}

#[test]
fn a_retried_refresh_is_accepted_only_within_the_grace_window() {
    // Without the window, a retry is reuse.
    let mut s = sim();
    s.apply(Move::Login);
    ok(&mut s, Move::Refresh);
    let e = refused(&mut s, Move::RetryRefresh);
    assert!(reason(&e).starts_with("reuse detected"));
    assert!(e.lesson.contains("grace window (g)"));
    // With it, the same pair comes back within 30 s, and not after.
    let mut s = sim();
    ok(&mut s, Move::ToggleGrace);
    s.apply(Move::Login);
    ok(&mut s, Move::Refresh);
    let pair = s.client();
    s.apply(Move::Advance(20));
    let e = ok(&mut s, Move::RetryRefresh);
    assert!(e.response.contains("the same pair"), "{e:?}");
    assert_eq!(s.client(), pair);
    assert!(s.server().families()[0].revoked.is_none());
    s.apply(Move::Advance(10));
    let e = refused(&mut s, Move::RetryRefresh);
    assert!(reason(&e).starts_with("reuse detected"));
}

#[test]
fn a_stolen_bearer_token_works_until_exp_and_dpop_stops_its_replay() {
    let mut s = sim();
    s.apply(Move::Login);
    let e = ok(&mut s, Move::ReplayAccessToken);
    assert_eq!(e.actor, Actor::Attacker);
    assert!(e.lesson.contains("until its exp"));
    s.apply(Move::Advance(300));
    refused(&mut s, Move::ReplayAccessToken);

    let mut s = sim();
    ok(&mut s, Move::ToggleDpop);
    s.apply(Move::Login);
    let access = s.client().access.unwrap();
    let jkt = claims(&s, access)["cnf"]["jkt"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(Some(jkt.as_str()), s.token(access).unwrap().jkt.as_deref());
    // The client's calls carry a fresh proof each.
    let call = ok(&mut s, Move::CallApiA);
    assert!(
        call.request.contains("Authorization: DPoP")
            && call.response.contains("DPoP proof checked")
    );
    ok(&mut s, Move::CallApiA);
    // The attacker replays the proof it saw: the API remembers its jti.
    let e = refused(&mut s, Move::ReplayAccessToken);
    assert!(reason(&e).starts_with("DPoP proof replayed"), "{e:?}");
    assert!(e.lesson.contains("RFC 9449"));
    // Its stolen refresh token is useless too: the session is bound to the client's key.
    let e = refused(&mut s, Move::ReplayOldRefresh);
    assert!(reason(&e).contains("another key"), "{e:?}");
    assert!(s.server().families()[0].revoked.is_none());
    ok(&mut s, Move::Refresh);
}

#[test]
fn a_dpop_proof_is_checked_for_key_method_url_age_and_replay() {
    let key = EcKey::derive(1, "k", "k").unwrap();
    let other = EcKey::derive(2, "k", "k").unwrap();
    let url = "https://api-a.example/orders";
    let proof = dpop::proof(&key, "j1", "GET", url, 100, Some("AT")).unwrap();
    let jkt = key.thumbprint();
    let expect = |now| dpop::Expect {
        htm: "GET",
        htu: url,
        now,
        access_token: Some("AT"),
        jkt: &jkt,
        leeway: 0,
    };
    let mut seen = Vec::new();
    assert_eq!(dpop::check(&proof, expect(100), &mut seen), Ok(()));
    assert!(
        dpop::check(&proof, expect(100), &mut seen)
            .unwrap_err()
            .contains("replayed")
    );
    let mut fresh = Vec::new();
    assert!(
        dpop::check(&proof, expect(200), &mut fresh)
            .unwrap_err()
            .contains("old")
    );
    let post = dpop::Expect {
        htm: "POST",
        ..expect(100)
    };
    assert!(
        dpop::check(&proof, post, &mut fresh)
            .unwrap_err()
            .contains("made for GET")
    );
    let other_at = dpop::Expect {
        access_token: Some("XX"),
        ..expect(100)
    };
    assert!(
        dpop::check(&proof, other_at, &mut fresh)
            .unwrap_err()
            .contains("ath")
    );
    let foreign = dpop::proof(&other, "j2", "GET", url, 100, Some("AT")).unwrap();
    assert!(
        dpop::check(&foreign, expect(100), &mut fresh)
            .unwrap_err()
            .contains("another key")
    );
}

#[test]
fn introspection_sees_a_revocation_at_once_local_verification_lags() {
    let mut s = sim();
    s.apply(Move::Login);
    ok(&mut s, Move::CallApiA); // Syncs A's deny-list copy (empty).
    let c = ok(&mut s, Move::CallApiC);
    assert!(c.response.contains("introspected: active true"));
    ok(&mut s, Move::Logout);
    let c = refused(&mut s, Move::CallApiC);
    assert!(
        reason(&c).starts_with("the auth server says active: false (revoked: logout)"),
        "{c:?}"
    );
    // API A's copy of the deny-list is older than its sync interval? Not yet: it still accepts.
    let a = ok(&mut s, Move::CallApiA);
    assert!(
        a.lesson.contains("last synchronized the deny-list"),
        "{a:?}"
    );
    s.apply(Move::Advance(60));
    let a = refused(&mut s, Move::CallApiA);
    assert!(reason(&a).starts_with("revoked: jti"), "{a:?}");
    assert!(
        s.api(ApiId::C).unwrap().calls_to_auth >= 2,
        "a call per request"
    );
}

#[test]
fn deny_list_entries_are_pruned_once_the_token_expired() {
    let mut s = sim();
    s.apply(Move::Login);
    s.apply(Move::Advance(100));
    s.apply(Move::Logout);
    assert_eq!(s.server().deny_list().len(), 1);
    let until = s.server().deny_list()[0].until;
    assert_eq!(until, s.token(s.client().access.unwrap()).unwrap().exp);
    s.apply(Move::Advance(until - s.now() - 1));
    assert_eq!(
        s.server().deny_list().len(),
        1,
        "kept while the token lives"
    );
    let e = ok(&mut s, Move::Advance(1));
    assert!(s.server().deny_list().is_empty());
    assert_eq!(s.server().pruned(), 1);
    assert!(e.lesson.contains("1 deny-list entry was pruned"), "{e:?}");
}

#[test]
fn a_clock_running_ahead_expires_tokens_early_and_leeway_absorbs_it() {
    let mut s = sim();
    s.apply(Move::Login);
    s.apply(Move::Advance(240));
    ok(&mut s, Move::CallApiA);
    let d = refused(&mut s, Move::CallApiD);
    assert!(reason(&d).starts_with("exp: expired 30s ago"), "{d:?}");
    assert!(d.lesson.contains("clock runs 1m 30s ahead"));
    ok(&mut s, Move::ToggleLeeway);
    let d = ok(&mut s, Move::CallApiD);
    assert!(d.lesson.contains("leeway"), "{d:?}");
    // The skew reaches DPoP proofs' iat too; the same leeway covers it.
    let mut s = sim();
    s.apply(Move::ToggleDpop);
    s.apply(Move::ToggleLeeway);
    s.apply(Move::Login);
    s.apply(Move::Advance(240));
    ok(&mut s, Move::CallApiD);
}

#[test]
fn proactive_refresh_happens_before_a_call_near_expiry() {
    let mut s = sim();
    ok(&mut s, Move::ToggleProactive);
    s.apply(Move::Login);
    let first = s.client().access;
    s.apply(Move::Advance(200));
    let before = s.timeline().len();
    ok(&mut s, Move::CallApiA);
    assert_eq!(s.timeline().len(), before + 1, "no refresh with time left");
    s.apply(Move::Advance(80));
    let before = s.timeline().len();
    ok(&mut s, Move::CallApiA);
    assert_eq!(s.timeline().len(), before + 2, "refresh, then the call");
    let refresh = &s.timeline()[before];
    assert!(refresh.lesson.starts_with("Proactive refresh"));
    assert_ne!(s.client().access, first);
}

#[test]
fn requests_without_tokens_are_refused_and_the_clock_moves_forward_only() {
    let mut s = sim();
    for a in [
        Move::CallApiA,
        Move::CallApiC,
        Move::SendIdToken,
        Move::Refresh,
        Move::RetryRefresh,
        Move::ReplayOldRefresh,
        Move::ReplayAccessToken,
        Move::Logout,
    ] {
        refused(&mut s, a);
    }
    refused(&mut s, Move::Advance(0));
    refused(&mut s, Move::Advance(-5));
    assert_eq!(s.now(), s.config().start);
}

#[test]
fn runs_are_reproducible_per_seed() {
    let run = |seed| {
        let mut s = Simulator::with_seed(seed);
        s.apply(Move::Login);
        let access = s.client().access.unwrap();
        (
            s.verifier().unwrap().to_owned(),
            s.token(access).unwrap().jti.clone(),
            s.server().jwks(),
        )
    };
    assert_eq!(run(3), run(3));
    assert_ne!(run(3), run(4));
}

#[test]
fn scripted_session_plays_out_as_taught() {
    let mut s = sim();
    for a in [
        Move::Login,
        Move::CallApiA,
        Move::CallApiB,
        Move::Advance(300),
        Move::CallApiA,
        Move::Refresh,
        Move::CallApiA,
        Move::ReplayOldRefresh,
        Move::CallApiA,
        Move::Logout,
        Move::RotateKeys,
        Move::RotateKeys,
        Move::RetireOldKey,
    ] {
        s.apply(a);
    }
    let verdicts: Vec<bool> = s.timeline().iter().map(|e| e.verdict.is_ok()).collect();
    assert_eq!(
        verdicts,
        [
            true, true, true, false, true, false, true, true, false, true, true, true, true, false
        ]
    );
}

#[test]
fn the_simulators_dpop_proofs_pass_the_engines_checks() {
    let mut s = sim();
    ok(&mut s, Move::ToggleDpop);
    s.apply(Move::Login);
    let access = s.client().access.unwrap();
    let token = s.token(access).unwrap().compact.clone();
    let mut jtis = Vec::new();
    for _ in 0..2 {
        let call = ok(&mut s, Move::CallApiA);
        // "GET <url> Authorization: ...": the request's method and URL.
        let url = call.request.split_whitespace().nth(1).unwrap().to_owned();
        let proof = s.captured_proof().unwrap().to_owned();
        #[allow(clippy::cast_precision_loss)]
        let report = crate::jose::dpop::check(
            &proof,
            &crate::jose::dpop::Request {
                method: "GET",
                url: &url,
                access_token: Some(&token),
                proof_headers: 1,
            },
            &crate::jose::dpop::DpopOptions {
                now: call.at as f64,
                leeway: 0,
                max_age: crate::jose::dpop::PROOF_MAX_AGE,
                nonce: None,
            },
        );
        assert_eq!(
            report.outcome(),
            crate::jose::report::Outcome::Valid,
            "{:?}",
            report.steps
        );
        let claims = report.proof.claims().unwrap();
        jtis.push(claims["jti"].as_str().unwrap().to_owned());
    }
    assert_ne!(jtis[0], jtis[1]);
    assert!(
        jtis.iter().all(|j| j.len() >= 16),
        "at least 96 bits: {jtis:?}"
    );
}

#[test]
fn dpop_proof_jtis_are_random_and_at_least_96_bits() {
    let mut s = sim();
    s.apply(Move::ToggleDpop);
    s.apply(Move::Login);
    let key = s.client_key.clone();
    let jti = |proof: &str| {
        decode(proof)
            .claims()
            .and_then(|c| c.get("jti").and_then(|j| j.as_str().map(str::to_owned)))
            .unwrap()
    };
    let a = s
        .next_proof(key.as_ref(), "GET", "https://api-a.example/orders", None)
        .unwrap();
    let b = s
        .next_proof(key.as_ref(), "GET", "https://api-a.example/orders", None)
        .unwrap();
    let (ja, jb) = (jti(&a), jti(&b));
    assert_ne!(ja, jb);
    // RFC 9449 sec. 4.2: at least 96 bits of pseudorandom data.
    let bits = crate::jose::b64::decode_strict(&ja).unwrap().len() * 8;
    assert!(bits >= 96, "{ja}: {bits} bits");
    assert_eq!(
        crate::jose::citations::topic("RFC 9449 sec. 4.2"),
        Some("DPoP Proof JWT Syntax")
    );
}

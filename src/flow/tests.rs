//! Unit tests of the flow simulator: one per rule, then a scripted session.

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

#[test]
fn login_issues_real_signed_access_and_refresh_tokens() {
    let mut s = sim();
    let entry = s.apply(Move::Login).clone();
    assert!(entry.verdict.is_ok());
    assert_eq!(entry.issued.len(), 2);
    assert!(entry.lesson.contains("short-lived") && entry.lesson.contains("rotates"));
    let (access, refresh) = (s.client().access.unwrap(), s.client().refresh.unwrap());
    assert_eq!(entry.issued, vec![access, refresh]);
    let now = s.now();

    let a = claims(&s, access);
    assert_eq!(a["aud"], "api-a");
    assert_eq!(a["iss"], "https://auth.example");
    assert_eq!(a["sub"], "alice");
    assert_eq!(a["iat"], now);
    assert_eq!(a["exp"], now + 300);
    assert!(a["jti"].as_str().unwrap().len() == 16);
    let decoded = decode(s.compact(access).unwrap());
    assert_eq!(decoded.header_str("kid"), Some("k1"));
    assert_eq!(decoded.header_str("typ"), Some("at+jwt"));

    let r = claims(&s, refresh);
    assert_eq!(r["exp"], now + 86_400);
    assert_eq!(r["aud"], "https://auth.example");
    assert_eq!(r["fam"], a["fam"]);
    assert_ne!(r["jti"], a["jti"]);

    // Really signed: the server's published key verifies both, a tampered copy fails.
    assert_eq!(
        s.server().check(s.compact(access).unwrap(), "api-a", now),
        Ok(())
    );
    let tampered = s.compact(access).unwrap().replacen('.', ".e", 1);
    assert!(s.server().check(&tampered, "api-a", now).is_err());
    assert_eq!(s.remaining(access), Some(300));
    assert_eq!(s.remaining(refresh), Some(86_400));
    // The attacker copied the refresh token at login.
    assert_eq!(s.attacker().refresh, Some(refresh));
}

#[test]
fn api_a_accepts_until_exp_then_rejects_with_the_claim_reason() {
    let mut s = sim();
    s.apply(Move::Login);
    s.apply(Move::Advance(299));
    assert!(s.apply(Move::CallApiA).verdict.is_ok());
    s.apply(Move::Advance(1));
    let entry = s.apply(Move::CallApiA).clone();
    assert_eq!(reason(&entry), "exp: expired 0s ago");
    assert!(entry.response.starts_with("401 invalid_token"));
    assert!(entry.lesson.contains("refresh token"));
    assert_eq!(entry.token, s.client().access);
    s.apply(Move::Advance(60));
    assert_eq!(reason(s.apply(Move::CallApiA)), "exp: expired 1m 0s ago");
}

#[test]
fn api_b_rejects_the_token_minted_for_api_a() {
    let mut s = sim();
    s.apply(Move::Login);
    let entry = s.apply(Move::CallApiB).clone();
    assert_eq!(
        reason(&entry),
        "aud: aud 'api-a' does not hold 'api-b': the token is meant for someone else"
    );
    assert!(entry.lesson.contains("audience confusion"));
    // The same token is fine at API A.
    assert!(s.apply(Move::CallApiA).verdict.is_ok());
}

#[test]
fn refresh_rotates_the_token_and_returns_a_new_pair() {
    let mut s = sim();
    s.apply(Move::Login);
    let old = s.client();
    s.apply(Move::Advance(300));
    let entry = s.apply(Move::Refresh).clone();
    assert!(entry.verdict.is_ok(), "{entry:?}");
    let new = s.client();
    assert_ne!(new.access, old.access);
    assert_ne!(new.refresh, old.refresh);
    assert_eq!(entry.token, old.refresh);
    assert_eq!(
        entry.issued,
        vec![new.access.unwrap(), new.refresh.unwrap()]
    );

    let record = s.server().refresh_record(old.refresh.unwrap()).unwrap();
    assert_eq!(record.status, RefreshStatus::Used);
    assert_eq!(record.used_at, Some(s.now()));
    assert_eq!(record.rotated_to, new.refresh);
    let fresh = s.server().refresh_record(new.refresh.unwrap()).unwrap();
    assert_eq!(fresh.status_at(s.now()), RefreshStatus::Active);
    assert_eq!(fresh.family, record.family);
    assert_eq!(s.remaining(new.access.unwrap()), Some(300));
    assert!(s.apply(Move::CallApiA).verdict.is_ok());
}

#[test]
fn replaying_a_used_refresh_token_revokes_the_whole_family() {
    let mut s = sim();
    s.apply(Move::Login);
    s.apply(Move::Refresh);
    let user = s.client();
    let family = s.token(user.refresh.unwrap()).unwrap().family.clone();

    let replay = s.apply(Move::ReplayOldRefresh).clone();
    assert_eq!(replay.actor, Actor::Attacker);
    assert!(reason(&replay).starts_with("reuse detected: refresh #1 was already exchanged"));
    assert!(replay.lesson.contains("RFC 9700"));
    let fam = s.server().family(&family).unwrap();
    assert!(
        fam.revoked
            .as_ref()
            .unwrap()
            .reason
            .contains("reuse detected")
    );
    let user_record = s.server().refresh_record(user.refresh.unwrap()).unwrap();
    assert_eq!(user_record.status, RefreshStatus::Revoked);

    // The user's next refresh fails, and says why.
    let next = s.apply(Move::Refresh).clone();
    assert!(!next.verdict.is_ok());
    assert!(
        reason(&next).contains("is revoked: reuse detected"),
        "{next:?}"
    );
    // So does the attacker's.
    assert!(reason(s.apply(Move::ReplayOldRefresh)).contains("reuse detected"));
    // And the user's live access token went on the deny-list with the family.
    let call = s.apply(Move::CallApiA).clone();
    assert!(reason(&call).starts_with("revoked: jti"), "{call:?}");
}

#[test]
fn attacker_refreshing_first_is_caught_when_the_user_refreshes() {
    let mut s = sim();
    s.apply(Move::Login);
    let stolen = s.apply(Move::ReplayOldRefresh).clone();
    assert!(stolen.verdict.is_ok());
    assert_eq!(s.attacker().refresh, stolen.issued.get(1).copied());
    let user = s.apply(Move::Refresh).clone();
    assert!(
        reason(&user).starts_with("reuse detected: refresh #1"),
        "{user:?}"
    );
    // The attacker's rotated token died with the family.
    let again = s.apply(Move::ReplayOldRefresh).clone();
    assert_eq!(again.token, s.attacker().refresh);
    assert!(reason(&again).contains("is revoked: reuse detected"));
    let attacker_refresh = s.attacker().refresh.unwrap();
    assert_eq!(
        s.server().refresh_record(attacker_refresh).unwrap().status,
        RefreshStatus::Revoked
    );
}

#[test]
fn expired_refresh_token_forces_a_new_login() {
    let mut s = sim();
    s.apply(Move::Login);
    let old = s.client().refresh.unwrap();
    s.apply(Move::Advance(86_400));
    assert_eq!(
        s.server().refresh_record(old).unwrap().status_at(s.now()),
        RefreshStatus::Expired
    );
    let entry = s.apply(Move::Refresh).clone();
    assert_eq!(reason(&entry), "exp: expired 0s ago: log in again");
    assert!(entry.lesson.contains("log in again"));
    assert_eq!(
        s.server().refresh_record(old).unwrap().status,
        RefreshStatus::Expired
    );
    assert_eq!(
        reason(s.apply(Move::Refresh)),
        "refresh #1 has expired: log in again"
    );
    s.apply(Move::Login);
    assert!(s.apply(Move::Refresh).verdict.is_ok());
    assert!(s.apply(Move::CallApiA).verdict.is_ok());
}

#[test]
fn logout_deny_lists_the_access_token_and_revokes_the_family() {
    let mut s = sim();
    s.apply(Move::Login);
    let access = s.client().access.unwrap();
    let jti = s.token(access).unwrap().jti.clone();
    let out = s.apply(Move::Logout).clone();
    assert!(out.verdict.is_ok());
    assert!(
        out.response
            .contains("1 refresh token, 1 access token deny-listed")
    );
    let denied = s.server().denied(&jti).unwrap();
    assert_eq!(denied.until, s.token(access).unwrap().exp);
    // Signature and exp still hold: only the deny-list stops it.
    assert_eq!(
        s.server()
            .check(s.compact(access).unwrap(), "api-a", s.now()),
        Ok(())
    );
    let call = s.apply(Move::CallApiA).clone();
    assert_eq!(
        reason(&call),
        format!("revoked: jti '{jti}' is on the deny-list (logout)")
    );
    assert!(call.lesson.contains("deny-list"));
    assert!(reason(s.apply(Move::Refresh)).ends_with("is revoked: logout"));
    let again = s.apply(Move::Logout).clone();
    assert!(again.verdict.is_ok());
    assert!(again.response.ends_with("was already revoked (logout)"));
    assert_eq!(s.server().deny_list().len(), 1);
    // A new login starts a new family that works.
    s.apply(Move::Login);
    assert!(s.apply(Move::CallApiA).verdict.is_ok());
    assert_eq!(s.server().families().len(), 2);
}

#[test]
fn old_kid_verifies_until_retired_then_is_unknown() {
    let mut s = sim();
    s.apply(Move::Login);
    let old = s.client().access.unwrap();
    let rotated = s.apply(Move::RotateKeys).clone();
    assert_eq!(rotated.response, "active key 'k2', 'k1' retiring");
    let statuses: Vec<_> = s.server().keys().iter().map(|k| k.status).collect();
    assert_eq!(statuses, [KeyStatus::Retiring, KeyStatus::Active]);
    // The k1 token still verifies.
    assert!(s.apply(Move::CallApiA).verdict.is_ok());
    // New tokens carry k2.
    s.apply(Move::Refresh);
    let new = s.client().access.unwrap();
    assert_eq!(s.token(new).unwrap().kid, "k2");

    s.apply(Move::RetireOldKey);
    let statuses: Vec<_> = s.server().keys().iter().map(|k| k.status).collect();
    assert_eq!(statuses, [KeyStatus::Retired, KeyStatus::Active]);
    let failure = s
        .server()
        .check(s.compact(old).unwrap(), "api-a", s.now())
        .unwrap_err();
    assert_eq!(
        failure.to_string(),
        "unknown kid 'k1': no published key has it (published: 'k2')"
    );
    assert!(s.apply(Move::CallApiA).verdict.is_ok());
    assert_eq!(
        reason(s.apply(Move::RetireOldKey)),
        "no key is retiring: rotate the keys first"
    );
}

#[test]
fn retiring_the_key_of_the_clients_token_rejects_it_with_unknown_kid() {
    let mut s = sim();
    s.apply(Move::Login);
    s.apply(Move::RotateKeys);
    let retire = s.apply(Move::RetireOldKey).clone();
    assert!(retire.lesson.contains("access #1 and refresh #1"));
    let call = s.apply(Move::CallApiA).clone();
    assert!(reason(&call).starts_with("unknown kid 'k1'"), "{call:?}");
    assert!(call.lesson.contains("retired"));
    assert!(reason(s.apply(Move::Refresh)).starts_with("unknown kid 'k1'"));
}

#[test]
fn requests_without_tokens_are_refused() {
    let mut s = sim();
    assert_eq!(
        reason(s.apply(Move::CallApiA)),
        "no access token: log in first"
    );
    assert_eq!(
        reason(s.apply(Move::Refresh)),
        "no refresh token: log in first"
    );
    assert_eq!(
        reason(s.apply(Move::ReplayOldRefresh)),
        "the attacker holds no refresh token"
    );
    assert_eq!(reason(s.apply(Move::Logout)), "not logged in");
    assert_eq!(s.timeline().len(), 4);
}

#[test]
fn the_clock_moves_forward_only() {
    let mut s = sim();
    let start = s.now();
    assert!(!s.apply(Move::Advance(-5)).verdict.is_ok());
    assert_eq!(s.now(), start);
    s.apply(Move::Login);
    let entry = s.apply(Move::Advance(300)).clone();
    assert_eq!(entry.response, "clock is now T+5m 0s");
    assert!(entry.lesson.starts_with("access #1 expired"));
    for secs in Move::ADVANCE_STEPS {
        s.apply(Move::Advance(secs));
    }
    assert_eq!(s.elapsed(), 300 + 30 + 60 + 300 + 3600 + 86_400);
    let access = s.client().access.unwrap();
    assert_eq!(s.remaining(access), Some(300 - s.elapsed()));
    assert_eq!(Move::Advance(3600).label(), "Advance +1h 0m");
}

#[test]
fn runs_are_reproducible_per_seed_and_secrets_stay_hidden() {
    let run = |seed| {
        let mut s = Simulator::with_seed(seed);
        s.apply(Move::Login);
        s.compact(s.client().access.unwrap()).unwrap().to_owned()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
    let mut s = sim();
    s.apply(Move::Login);
    let debug = format!("{s:?}");
    assert!(debug.contains("Secret(32 bytes)"));
}

#[test]
fn scripted_session_plays_out_as_taught() {
    let mut s = sim();
    let script = [
        Move::Login,
        Move::CallApiA,
        Move::Advance(300),
        Move::CallApiA,
        Move::Refresh,
        Move::CallApiA,
        Move::ReplayOldRefresh,
        Move::Refresh,
    ];
    for action in script {
        s.apply(action);
    }
    let t0 = s.config().start;
    let family = s.server().families()[0].id.clone();
    let reuse = "reuse detected: refresh #1 was already exchanged at T+5m 0s";
    let expected: Vec<(Move, Actor, i64, Option<String>)> = vec![
        (Move::Login, Actor::Client, t0, None),
        (Move::CallApiA, Actor::Client, t0, None),
        (Move::Advance(300), Actor::Clock, t0, None),
        (
            Move::CallApiA,
            Actor::Client,
            t0 + 300,
            Some("exp: expired 0s ago".to_owned()),
        ),
        (Move::Refresh, Actor::Client, t0 + 300, None),
        (Move::CallApiA, Actor::Client, t0 + 300, None),
        (
            Move::ReplayOldRefresh,
            Actor::Attacker,
            t0 + 300,
            Some(format!(
                "{reuse}; family '{family}' revoked (1 refresh and 1 access token revoked)"
            )),
        ),
        (
            Move::Refresh,
            Actor::Client,
            t0 + 300,
            Some(format!("refresh family '{family}' is revoked: {reuse}")),
        ),
    ];
    let got: Vec<(Move, Actor, i64, Option<String>)> = s
        .timeline()
        .iter()
        .map(|e| {
            (
                e.action,
                e.actor,
                e.at,
                e.verdict.reason().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(got, expected);
    let seqs: Vec<usize> = s.timeline().iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (0..8).collect::<Vec<_>>());
    let labels: Vec<String> = s
        .timeline()
        .iter()
        .filter_map(|e| e.token)
        .map(|id| s.token(id).unwrap().label.clone())
        .collect();
    assert_eq!(
        labels,
        [
            "access #1",
            "access #1",
            "refresh #1",
            "access #2",
            "refresh #1",
            "refresh #2"
        ]
    );
    assert!(s.timeline().iter().all(|e| !e.lesson.is_empty()));
    // Every token in the flow opens as a compact JWT.
    for t in s.server().tokens() {
        assert_eq!(s.compact(t.id).unwrap().split('.').count(), 3);
    }
}

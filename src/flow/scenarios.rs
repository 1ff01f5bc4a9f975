//! The flow's scenarios, each a short script of moves from a fresh deployment: the in-app list
//! (and the README's table) run them, so a learner can start any lesson without knowing its
//! keys, and start over.

use super::Move;

/// One scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    /// What it shows.
    pub title: &'static str,
    /// The moves, from a fresh deployment.
    pub moves: &'static [Move],
}

const fn scenario(title: &'static str, moves: &'static [Move]) -> Scenario {
    Scenario { title, moves }
}

/// Every scenario, in the order the README's table lists them.
pub const SCENARIOS: &[Scenario] = &[
    scenario(
        "Login: authorization code + PKCE; access, ID and refresh token",
        &[Move::Login],
    ),
    scenario(
        "A stolen authorization code, redeemed first without the verifier, is refused",
        &[Move::RedeemStolenCode],
    ),
    scenario(
        "APIs check signature, aud (B is no audience) and typ (an ID token is refused)",
        &[
            Move::Login,
            Move::CallApiA,
            Move::CallApiB,
            Move::SendIdToken,
        ],
    ),
    scenario(
        "The access token expires; proactive refresh renews it before a call",
        &[
            Move::Login,
            Move::Advance(300),
            Move::CallApiA,
            Move::ToggleProactive,
            Move::CallApiA,
        ],
    ),
    scenario(
        "Refresh rotation; the stolen refresh token is caught by reuse detection",
        &[Move::Login, Move::Refresh, Move::ReplayOldRefresh],
    ),
    scenario(
        "The idle lifetime ends a session nobody uses",
        &[
            Move::Login,
            Move::Advance(86_400),
            Move::Advance(86_400),
            Move::Refresh,
        ],
    ),
    scenario(
        "A retried refresh (lost response) within the grace window",
        &[
            Move::Login,
            Move::ToggleGrace,
            Move::Refresh,
            Move::RetryRefresh,
        ],
    ),
    scenario(
        "A stolen bearer access token works until exp; DPoP stops the replay",
        &[
            Move::Login,
            Move::ReplayAccessToken,
            Move::ToggleDpop,
            Move::Login,
            Move::CallApiA,
            Move::ReplayAccessToken,
        ],
    ),
    scenario(
        "Logout revokes the family and deny-lists the access token; introspection sees it \
         at once",
        &[Move::Login, Move::CallApiA, Move::Logout, Move::CallApiC],
    ),
    scenario(
        "Key rotation: publish, sign, retire once the old key's tokens expired",
        &[
            Move::Login,
            Move::RotateKeys,
            Move::RotateKeys,
            Move::RetireOldKey,
            Move::Advance(300),
            Move::RetireOldKey,
        ],
    ),
    scenario(
        "A clock running ahead expires tokens early; leeway absorbs it",
        &[
            Move::Login,
            Move::Advance(240),
            Move::CallApiD,
            Move::ToggleLeeway,
            Move::CallApiD,
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{Simulator, Verdict};

    fn run(s: &Scenario) -> Simulator {
        let mut sim = Simulator::with_seed(7);
        for m in s.moves {
            sim.apply(*m);
        }
        sim
    }

    fn last(sim: &Simulator) -> &Verdict {
        &sim.timeline().last().expect("a step").verdict
    }

    #[test]
    fn every_scenario_ends_on_its_lesson() {
        let ends: Vec<(bool, &str)> = vec![
            (true, "Login"),
            (true, "code theft: the client still logs in"),
            (false, "typ"),
            (true, "proactive"),
            (false, "reuse"),
            (false, "idle"),
            (true, "grace"),
            (false, "DPoP"),
            (false, "introspection"),
            (true, "retired"),
            (true, "leeway"),
        ];
        assert_eq!(ends.len(), SCENARIOS.len());
        for (s, (ok, what)) in SCENARIOS.iter().zip(ends) {
            let sim = run(s);
            assert_eq!(
                last(&sim).is_ok(),
                ok,
                "{what}: {:#?}",
                sim.timeline().last()
            );
        }
        // The two that are about a refusal say it in their last step.
        let reuse = run(&SCENARIOS[4]);
        assert!(
            last(&reuse)
                .reason()
                .unwrap_or_default()
                .contains("reuse detected")
        );
        let skew = run(&SCENARIOS[10]);
        let refused_first = skew.timeline().iter().rev().nth(2).expect("steps");
        assert!(!refused_first.verdict.is_ok(), "{refused_first:#?}");
    }
}

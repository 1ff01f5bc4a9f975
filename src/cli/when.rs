//! Times given on the command line: `+15m`, `1h30m`, `-5m`, `1w`, Unix seconds or RFC 3339.

/// A time value that is not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{option}: '{value}' is not a time: use a duration from now (+15m, 1h, 2d, 30s, 1w, 1h30m, \
     -5m for the past), Unix seconds (1735689600) or RFC 3339 (2025-01-01T00:00:00Z)"
)]
pub struct WhenError {
    /// The option it was given to.
    pub option: &'static str,
    /// The value as given.
    pub value: String,
}

/// Resolves `value` to Unix seconds, relative to `now`.
///
/// A bare number is absolute Unix seconds; a signed number (`+900`, `-60`) is relative
/// seconds; units are `s`, `m`, `h`, `d`, `w` and may be chained (`1h30m`).
pub fn resolve(option: &'static str, value: &str, now: i64) -> Result<i64, WhenError> {
    let err = || WhenError {
        option,
        value: value.to_owned(),
    };
    let text = value.trim();
    if let Ok(date) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(date.timestamp());
    }
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'+') => (Some(1), &text[1..]),
        Some(b'-') => (Some(-1), &text[1..]),
        _ => (None, text),
    };
    if rest.is_empty() {
        return Err(err());
    }
    if rest.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = rest.parse().map_err(|_| err())?;
        return match sign {
            None => Ok(n),
            Some(s) => now.checked_add(s * n).ok_or_else(err),
        };
    }
    let secs = duration(rest).ok_or_else(err)?;
    now.checked_add(sign.unwrap_or(1) * secs).ok_or_else(err)
}

/// Seconds in a chain of `<number><unit>` pieces.
fn duration(text: &str) -> Option<i64> {
    let mut total: i64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let n: i64 = rest[..digits].parse().ok()?;
        let unit = match rest.as_bytes().get(digits)? {
            b's' => 1,
            b'm' => 60,
            b'h' => 3600,
            b'd' => 86_400,
            b'w' => 604_800,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
        rest = &rest[digits + 1..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    #[test]
    fn durations_are_relative_to_now() {
        assert_eq!(resolve("--exp", "+15m", NOW), Ok(NOW + 900));
        assert_eq!(resolve("--exp", "15m", NOW), Ok(NOW + 900));
        assert_eq!(resolve("--exp", "1h", NOW), Ok(NOW + 3600));
        assert_eq!(resolve("--exp", "2d", NOW), Ok(NOW + 172_800));
        assert_eq!(resolve("--exp", "30s", NOW), Ok(NOW + 30));
        assert_eq!(resolve("--exp", "1w", NOW), Ok(NOW + 604_800));
        assert_eq!(resolve("--exp", "1h30m", NOW), Ok(NOW + 5400));
        assert_eq!(resolve("--exp", "-5m", NOW), Ok(NOW - 300));
        assert_eq!(resolve("--exp", "+900", NOW), Ok(NOW + 900));
    }

    #[test]
    fn absolute_times() {
        assert_eq!(resolve("--exp", "1735689600", NOW), Ok(1_735_689_600));
        assert_eq!(
            resolve("--nbf", "2025-01-01T00:00:00Z", NOW),
            Ok(1_735_689_600)
        );
        assert_eq!(
            resolve("--nbf", "2025-01-01T02:00:00+02:00", NOW),
            Ok(1_735_689_600)
        );
    }

    #[test]
    fn rejects_nonsense() {
        for bad in [
            "",
            "+",
            "15x",
            "m",
            "1h30",
            "99999999999999999999w",
            "tomorrow",
        ] {
            let e = resolve("--exp", bad, NOW).unwrap_err();
            assert!(e.to_string().starts_with("--exp: '"), "{bad}: {e}");
        }
        assert!(resolve("--exp", "9223372036854775807s", NOW).is_err());
    }
}

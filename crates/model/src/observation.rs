//! Observations: what a pair of outreach workers saw in the streetscape, as a structured sign
//! code at a cell and a time. Never free text, never a person (DOMAIN.md, privacy rules).

use crate::TimeSlot;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest accepted sign code, in bytes.
pub const SIGN_CODE_MAX_LEN: usize = 32;

/// A sign code from the deployment's code list (`data/signs.toml`), such as `overfull_mailbox`.
///
/// The spelling is checked here (1–32 bytes of `a-z`, `0-9` and `_`, starting with a letter),
/// so a code can never carry free text; whether the code is *known* is checked against the
/// deployment's code list by whoever stores it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SignCode(String);

/// A string that is not spelled like a sign code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{code}` is not a sign code (1–32 characters a-z, 0-9 and _, starting with a letter)")]
pub struct SignCodeError {
    /// The rejected input.
    pub code: String,
}

impl SignCode {
    /// Check the spelling of a sign code.
    ///
    /// # Errors
    /// [`SignCodeError`] naming the input when it is empty, too long, or has other characters.
    pub fn new(code: &str) -> Result<Self, SignCodeError> {
        let ok = !code.is_empty()
            && code.len() <= SIGN_CODE_MAX_LEN
            && code.starts_with(|c: char| c.is_ascii_lowercase())
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(Self(code.to_owned()))
        } else {
            Err(SignCodeError {
                code: code.to_owned(),
            })
        }
    }

    /// The code.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SignCode {
    type Error = SignCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl From<SignCode> for String {
    fn from(c: SignCode) -> Self {
        c.0
    }
}

impl fmt::Display for SignCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One observed sign: a code at an H3 cell at a local time.
///
/// The place is only the cell (the point is snapped to it before it is stored); who saw it is a
/// team, recorded by the store, not here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// H3 cell index (as `u64`, see `h3o::CellIndex`).
    pub cell: u64,
    /// What was seen.
    pub sign: SignCode,
    /// When, in the municipality's local time.
    pub at: NaiveDateTime,
}

impl Observation {
    /// The time slot the observation falls in.
    #[must_use]
    pub fn slot(&self) -> TimeSlot {
        TimeSlot::of(self.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_codes_are_never_free_text() {
        assert!(SignCode::new("overfull_mailbox").is_ok());
        assert!(SignCode::new("litter2").is_ok());
        for bad in [
            "",
            "Overfull",
            "2x",
            "_x",
            "has space",
            "æble",
            "a-b",
            &"x".repeat(33),
        ] {
            assert!(SignCode::new(bad).is_err(), "{bad:?} accepted");
        }
        let e = SignCode::new("Hans Jensen").unwrap_err();
        assert!(e.to_string().contains("Hans Jensen"));
        assert!(SignCode::try_from("x y".to_owned()).is_err());
    }
}

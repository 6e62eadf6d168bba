//! Reading the crate's data files (housing assumptions, profiles): TOML parsed with unknown
//! keys refused, then validated; errors name the file, the line and the key.

use std::path::Path;

/// A data file that could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    /// The file could not be read.
    #[error("{path}: cannot read: {reason}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        reason: String,
    },
    /// TOML syntax, an unknown key or a wrong type (toml's message names line, column and key).
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// toml's message.
        message: String,
    },
    /// A value that parses but is out of range or inconsistent.
    #[error("{path}:{line}: `{key}`: {problem}")]
    Invalid {
        /// The file.
        path: String,
        /// 1-based line of the offending value (0 when unknown).
        line: usize,
        /// The key, dotted (`places.kiosk.weight`).
        key: String,
        /// What is wrong.
        problem: String,
    },
}

/// Read a file to a string, naming it in the error.
pub(crate) fn read(path: &Path) -> Result<String, DataError> {
    std::fs::read_to_string(path).map_err(|e| DataError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// Parse TOML into `T`, mapping errors to [`DataError::Parse`].
pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &str,
) -> Result<T, DataError> {
    toml::from_str(text).map_err(|e| DataError::Parse {
        path: path.to_owned(),
        message: e.to_string().trim_end().to_owned(),
    })
}

/// 1-based line number of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(0, |t| t.bytes().filter(|&b| b == b'\n').count() + 1)
}

/// Checks a spanned number against a range, naming file, line and key when it is outside.
pub(crate) struct Checker<'a> {
    pub text: &'a str,
    pub path: &'a str,
}

impl Checker<'_> {
    pub(crate) fn invalid(
        &self,
        span: std::ops::Range<usize>,
        key: &str,
        problem: String,
    ) -> DataError {
        DataError::Invalid {
            path: self.path.to_owned(),
            line: line_of(self.text, span.start),
            key: key.to_owned(),
            problem,
        }
    }

    /// `value` must be finite and within `lo..=hi`.
    pub(crate) fn range(
        &self,
        v: &toml::Spanned<f64>,
        key: &str,
        lo: f64,
        hi: f64,
    ) -> Result<f64, DataError> {
        let x = *v.get_ref();
        if x.is_finite() && (lo..=hi).contains(&x) {
            Ok(x)
        } else {
            Err(self.invalid(v.span(), key, format!("{x} is out of range ({lo} to {hi})")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_from_one() {
        let t = "a = 1\nb = 2\n";
        assert_eq!(line_of(t, 0), 1);
        assert_eq!(line_of(t, 6), 2);
    }
}

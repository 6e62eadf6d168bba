//! A read-only view of an OSM object's tags, so classification works on any tag source
//! (the PBF reader's tag map, the XML reader's pairs, or a table in a test).

/// Look up a tag value by key.
pub trait Tags {
    /// The value of `key`, if the object has it.
    fn get(&self, key: &str) -> Option<&str>;

    /// Whether there are no tags at all (most nodes): lets classification skip the object.
    fn is_empty(&self) -> bool {
        false
    }

    /// Whether `key` has exactly `value`.
    fn is(&self, key: &str, value: &str) -> bool {
        self.get(key) == Some(value)
    }
}

impl Tags for [(&str, &str)] {
    fn get(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

impl<const N: usize> Tags for [(&str, &str); N] {
    fn get(&self, key: &str) -> Option<&str> {
        Tags::get(self.as_slice(), key)
    }
}

impl Tags for [(String, String)] {
    fn get(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

impl Tags for Vec<(String, String)> {
    fn get(&self, key: &str) -> Option<&str> {
        Tags::get(self.as_slice(), key)
    }
    fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }
}

impl Tags for osmpbfreader::Tags {
    fn get(&self, key: &str) -> Option<&str> {
        std::ops::Deref::deref(self).get(key).map(|v| v.as_str())
    }
    fn is_empty(&self) -> bool {
        std::ops::Deref::deref(self).is_empty()
    }
}

/// The parts of a `;`-separated multi-value (`"yes;no"`), trimmed.
pub fn parts(value: &str) -> impl Iterator<Item = &str> {
    value.split(';').map(str::trim)
}

/// Whether any part of a multi-value is one of `allowed`.
#[must_use]
pub fn any_part_in(value: Option<&str>, allowed: &[&str]) -> bool {
    value.is_some_and(|v| parts(v).any(|p| allowed.contains(&p)))
}

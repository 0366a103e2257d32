//! Reads one TOML table key by key, so every error names the exact key
//! (`contribution[2].base_cap`) and unknown keys are refused rather than ignored
//! (a misspelt key silently falling back to nothing would change money).

use super::PolicyError;
use crate::error::DomainResult;
use std::collections::BTreeSet;
use toml::{Table, Value};

pub(super) struct TableReader<'a> {
    file: &'a str,
    path: String,
    table: &'a Table,
    seen: BTreeSet<&'static str>,
}

impl<'a> TableReader<'a> {
    pub(super) fn new(file: &'a str, path: String, table: &'a Table) -> Self {
        Self {
            file,
            path,
            table,
            seen: BTreeSet::new(),
        }
    }

    pub(super) fn error(&self, key: &str, problem: impl Into<String>) -> PolicyError {
        PolicyError {
            file: self.file.to_string(),
            key: format!("{}.{key}", self.path),
            problem: problem.into(),
        }
    }

    fn value(&mut self, key: &'static str) -> Result<Option<&'a Value>, PolicyError> {
        self.seen.insert(key);
        Ok(self.table.get(key))
    }

    pub(super) fn opt_str(&mut self, key: &'static str) -> Result<Option<&'a str>, PolicyError> {
        match self.value(key)? {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(self.error(key, "must be a string")),
        }
    }

    pub(super) fn str(&mut self, key: &'static str) -> Result<&'a str, PolicyError> {
        self.opt_str(key)?
            .ok_or_else(|| self.error(key, "is missing"))
    }

    pub(super) fn int(
        &mut self,
        key: &'static str,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<i64, PolicyError> {
        match self.value(key)? {
            Some(Value::Integer(n)) if range.contains(n) => Ok(*n),
            Some(Value::Integer(n)) => Err(self.error(
                key,
                format!("{n} is outside {}..={}", range.start(), range.end()),
            )),
            Some(_) => Err(self.error(key, "must be a whole number")),
            None => Err(self.error(key, "is missing")),
        }
    }

    pub(super) fn bool(&mut self, key: &'static str) -> Result<bool, PolicyError> {
        match self.value(key)? {
            Some(Value::Boolean(b)) => Ok(*b),
            Some(_) => Err(self.error(key, "must be true or false")),
            None => Err(self.error(key, "is missing")),
        }
    }

    /// A string parsed by a domain parser; its Chinese message becomes the problem.
    pub(super) fn parsed<T>(
        &mut self,
        key: &'static str,
        parse: impl FnOnce(&str) -> DomainResult<T>,
    ) -> Result<T, PolicyError> {
        let text = self.str(key)?;
        parse(text).map_err(|e| self.error(key, format!("{} ({})", e.message(), e.code())))
    }

    pub(super) fn str_list(&mut self, key: &'static str) -> Result<Vec<String>, PolicyError> {
        match self.value(key)? {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err(self.error(key, "must be a list of strings")),
                })
                .collect(),
            Some(_) => Err(self.error(key, "must be a list of strings")),
        }
    }

    /// Refuses keys that no reader asked for.
    pub(super) fn finish(self) -> Result<BTreeSet<&'static str>, PolicyError> {
        if let Some(unknown) = self.table.keys().find(|k| !self.seen.contains(k.as_str())) {
            return Err(self.error(unknown, "is not a known key"));
        }
        Ok(self.seen)
    }
}

impl TableReader<'_> {
    /// Marks a key as read without reading it (for nested groups read elsewhere).
    pub(super) fn mark(&mut self, key: &'static str) {
        self.seen.insert(key);
    }

    pub(super) fn has_key(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }
}

//! Loading the centre's policy file. The Suzhou policy is built into the
//! binary, so a fresh machine runs without any file; a deployment points
//! `ANJU_POLICY` (or `policy` in anju.toml) at its own.

use crate::{AppError, AppResult};
use anju_domain::policy::{PolicySet, parse_policy};
use std::path::Path;

pub const BUILT_IN_NAME: &str = "policy/suzhou.toml (built in)";
pub const BUILT_IN_SUZHOU: &str = include_str!("../../../policy/suzhou.toml");

pub fn load_policy(path: Option<&Path>) -> AppResult<PolicySet> {
    match path {
        None => Ok(parse_policy(BUILT_IN_NAME, BUILT_IN_SUZHOU)?),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| AppError::Io(format!("{}: {e}", path.display())))?;
            Ok(parse_policy(&path.display().to_string(), &text)?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_policy_loads_and_a_bad_file_is_named() {
        assert!(load_policy(None).is_ok());
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("bad.toml");
        std::fs::write(
            &path,
            BUILT_IN_SUZHOU.replace("base_cap = \"38900.00\"", "base_cap = \"-1\""),
        )
        .expect("write");
        let err = load_policy(Some(&path)).expect_err("refused");
        let text = err.to_string();
        assert!(
            text.contains("bad.toml") && text.contains("contribution[1].base_cap"),
            "{text}"
        );
        assert!(matches!(
            load_policy(Some(&dir.path().join("missing.toml"))),
            Err(AppError::Io(_))
        ));
    }
}

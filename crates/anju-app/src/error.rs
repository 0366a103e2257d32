use anju_domain::policy::PolicyError;
use anju_domain::{DomainError, ErrorKind};
use anju_store::StoreError;

/// A use case failed: a refusal people can act on (with a stable code and a
/// Chinese message), a bad policy file, or a storage failure.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Rejected(DomainError),
    #[error("{0}")]
    Policy(PolicyError),
    #[error("{0}")]
    Store(StoreError),
    #[error("{0}")]
    Io(String),
}

impl AppError {
    /// The stable code of a refusal; `None` for internal failures.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            AppError::Rejected(e) => Some(e.code()),
            AppError::Store(e) => e.code(),
            AppError::Policy(_) => Some("POLICY_INVALID"),
            AppError::Io(_) => None,
        }
    }

    /// What kind of failure this is, for whoever answers the caller (the web
    /// layer maps it to an HTTP status).
    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::Rejected(e) => e.kind(),
            // The bounded retries ran out under contention: trying later can work.
            AppError::Store(StoreError::Retryable(_)) => ErrorKind::Unavailable,
            AppError::Store(StoreError::Rejected(e)) => e.kind(),
            AppError::Store(_) | AppError::Io(_) => ErrorKind::Internal,
            // Internal, not Invalid: the policy file is the centre's own setup,
            // read at start-up; no user input can mend it (`POLICY_INVALID`).
            AppError::Policy(_) => ErrorKind::Internal,
        }
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        AppError::Rejected(e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Rejected(d) => AppError::Rejected(d),
            other => AppError::Store(other),
        }
    }
}

impl From<PolicyError> for AppError {
    fn from(e: PolicyError) -> Self {
        AppError::Policy(e)
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_of_each_failure() {
        let rejected = AppError::from(DomainError::new("TASK_DECIDED", "-"));
        assert_eq!(rejected.kind(), ErrorKind::Conflict);
        let retry = AppError::from(StoreError::Retryable("deadlock".into()));
        assert_eq!(retry.kind(), ErrorKind::Unavailable);
        let backend = AppError::from(StoreError::Backend("disk".into()));
        assert_eq!(backend.kind(), ErrorKind::Internal);
        assert_eq!(AppError::Io("gone".into()).kind(), ErrorKind::Internal);
    }
}

use anju_domain::DomainError;
use anju_domain::policy::PolicyError;
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

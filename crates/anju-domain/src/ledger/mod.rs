//! Double-entry bookkeeping on the HPF chart of accounts (business-rules §6).
//! A [`NewEntry`] can only be built balanced and on postable accounts; the member
//! sub-ledger state ([`MemberBalance`]) moves with it, including the
//! balance-days product (积数) that interest is computed from.

mod chart;
mod entry;
mod member;

pub use chart::{AccountClass, CHART, GlAccount, Subledger, gl_account};
pub use entry::{
    BUSINESS_TYPES, EntryId, IdempotencyKey, Line, NewEntry, Side, SubledgerRef, business_type_name,
};
pub use member::{MemberBalance, MemberId, apply_to_members, member_delta};

/// The GL code of the members' liability account (住房公积金); the member
/// sub-ledger must always sum to it.
pub const GL_MEMBER_DEPOSITS: &str = "201";
/// The fund's bank deposits (住房公积金存款).
pub const GL_FUND_BANK: &str = "101";

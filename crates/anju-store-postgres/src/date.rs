//! A business date bound as PostgreSQL `DATE` (binary: days since
//! 2000-01-01), so the shared SQL needs no `::DATE` casts.

use anju_domain::Date;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo};
use sqlx::{Encode, Postgres, Type};

/// PostgreSQL's `date` type.
const DATE_OID: Oid = Oid(1082);
/// Days from 1970-01-01 (the domain's epoch) to 2000-01-01 (PostgreSQL's).
const PG_EPOCH_DAYS: i32 = 10_957;

#[derive(Debug, Clone, Copy)]
pub struct PgDate(i32);

impl From<Date> for PgDate {
    fn from(date: Date) -> Self {
        PgDate(date.epoch_days() - PG_EPOCH_DAYS)
    }
}

impl Type<Postgres> for PgDate {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(DATE_OID)
    }
}

impl Encode<'_, Postgres> for PgDate {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <i32 as Encode<Postgres>>::encode_by_ref(&self.0, buf)
    }

    fn size_hint(&self) -> usize {
        std::mem::size_of::<i32>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_from_postgres_epoch() {
        let day = |text| PgDate::from(Date::parse(text).expect(text)).0;
        assert_eq!(day("2000-01-01"), 0);
        assert_eq!(day("2000-01-02"), 1);
        assert_eq!(day("1999-12-31"), -1);
        assert_eq!(day("2026-06-30"), 9_677);
    }
}

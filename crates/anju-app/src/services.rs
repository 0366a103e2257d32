//! The services `App` hands out, one per business context: `app.loans()`,
//! `app.collection()`, … Each is a copyable view of the app whose methods are
//! that context's use cases, so a caller names the context it works in and a
//! context's surface is read in one place. Infrastructure (the policy in force,
//! the clock, the adapters, the audit trail) stays on `App`, which each service
//! reaches through `Deref`.

use crate::App;
use std::ops::Deref;

/// Declares a service: the struct, its `Deref` to the app, and `App`'s getter.
macro_rules! service {
    ($(#[$meta:meta])* $name:ident, $getter:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy)]
        pub struct $name<'a> {
            app: &'a App,
        }

        impl Deref for $name<'_> {
            type Target = App;

            fn deref(&self) -> &App {
                self.app
            }
        }

        impl App {
            $(#[$meta])*
            pub fn $getter(&self) -> $name<'_> {
                $name { app: self }
            }
        }
    };
}

service!(
    /// 账户与权限: sign-in, sessions, users, tasks, the audit trail, messages.
    Access,
    access
);
service!(
    /// 归集: employers, members, bills, casework, flexible workers.
    Collection,
    collection
);
service!(
    /// 结息: the yearly settlement, rechecks, notices and statements.
    Interest,
    interest
);
service!(
    /// 提取: applications, review, payouts, the blacklist, repayment agreements.
    Withdrawals,
    withdrawals
);
service!(
    /// 贷款: applications, approval, disbursement, the run, prepayment, settlement.
    Loans,
    loans
);
service!(
    /// 资金管理: statements, distribution, deposits, liquidity, KPIs, the report.
    Fund,
    fund
);
service!(
    /// 账务: postings, reversals, balances and movements, the ledger check.
    Ledger,
    ledger
);
service!(
    /// 智能客服: answers from the catalogue, the policy and the FAQ; hand-over to a person.
    Assistant,
    assistant
);
service!(
    /// 网点与预约: outlets, slots, appointments, the 10-minute service circle.
    Outlets,
    outlets
);
service!(
    /// 服务找人: reminders from each member's records, their choices, the figures.
    Reminders,
    reminders
);
service!(
    /// 服务质量: complaints, 好差评 and rectification, the 12329 hotline.
    Quality,
    quality
);
service!(
    /// 可信: the transparency log, its checkpoints and proofs, e-certificates.
    Trust,
    trust
);

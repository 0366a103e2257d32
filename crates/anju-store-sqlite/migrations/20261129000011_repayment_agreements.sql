-- 委托提取还贷: a member's standing order to withdraw each month's loan
-- installment (an HPF loan or a commercial mortgage) and pay it to the
-- lender's repayment account. One active agreement per member.
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE repayment_agreement (
    agreement_id     INTEGER NOT NULL PRIMARY KEY,
    member_id        INTEGER NOT NULL,
    kind             TEXT    NOT NULL,
    lender           TEXT    NOT NULL,
    loan_contract_no TEXT    NOT NULL,
    monthly_fen      INTEGER NOT NULL CHECK (monthly_fen > 0),
    pay_day          INTEGER NOT NULL CHECK (pay_day BETWEEN 1 AND 28),
    bank_card        TEXT    NOT NULL,
    starts_on        TEXT    NOT NULL,
    ends_on          TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    signed_by        TEXT    NOT NULL,
    created_at_us    INTEGER NOT NULL
);
CREATE UNIQUE INDEX repayment_agreement_active ON repayment_agreement (member_id) WHERE status = 'active';
CREATE INDEX repayment_agreement_day ON repayment_agreement (status, pay_day);

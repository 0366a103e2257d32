-- A member's 汇缴 / 补缴 credits lead to the bills they paid (所属年月, due
-- date, kind) for the loan rule of consecutive full, on-time months.
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE INDEX remittance_bill_paid_entry ON remittance_bill (paid_entry_id)
    WHERE paid_entry_id IS NOT NULL;

-- How a bill was paid: the channel (bank, ecny) and its payment reference,
-- matched against the channel's daily reconciliation file.
ALTER TABLE remittance_bill ADD COLUMN payment_channel TEXT;
ALTER TABLE remittance_bill ADD COLUMN payment_reference TEXT;
CREATE INDEX remittance_bill_paid_on ON remittance_bill (paid_on) WHERE paid_on IS NOT NULL;

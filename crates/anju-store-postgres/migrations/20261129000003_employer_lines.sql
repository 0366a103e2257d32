-- Lines naming an employer (a remittance's bank line), for the employer's page.
CREATE INDEX posting_line_employer ON posting_line (employer_id, entry_id)
    WHERE employer_id IS NOT NULL;

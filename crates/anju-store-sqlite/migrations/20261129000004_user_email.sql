-- E-mail address for the e-mail message channel (optional).
ALTER TABLE app_user ADD COLUMN email TEXT;

-- Where and with what each session was started, so that its owner can recognise it on My Profile
-- → Sessions and sign the others out (issue 8; SPEC §6).
ALTER TABLE sessions ADD COLUMN client_address TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;

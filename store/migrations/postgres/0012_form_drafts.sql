-- Form drafts: what a person typed into a multi-step form, and a failed form's problems, kept here
-- for minutes instead of in an address. `browser` is the SHA-256 of a random cookie token;
-- `owner` is who was signed in when it was written (NULL: nobody), and only they read it back.
CREATE TABLE form_drafts (
    browser TEXT NOT NULL,
    form TEXT NOT NULL,
    owner_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    payload TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (browser, form)
);
-- Every write deletes the expired drafts: found through this index, not a scan.
CREATE INDEX form_drafts_expiry ON form_drafts (expires_at);

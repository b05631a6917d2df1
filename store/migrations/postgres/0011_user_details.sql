-- Seed 002's user information: a telephone number (mandatory on Add New User) and an optional
-- mobile. Older accounts (registrations, invitations) have neither.
ALTER TABLE users ADD COLUMN phone TEXT;
ALTER TABLE users ADD COLUMN mobile TEXT;

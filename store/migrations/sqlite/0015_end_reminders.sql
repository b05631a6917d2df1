-- How many reminders of a role's end its holder has been sent: 0 none, 1 the week before, 2 the
-- day before. Each is sent once, even with several instances (the update that raises it is the
-- one that sends).
ALTER TABLE role_assignments ADD COLUMN end_reminders INTEGER NOT NULL DEFAULT 0;

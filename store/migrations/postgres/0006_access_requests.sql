-- Access requests (issue 5; seed 004 §9; SPEC §4 flow 7): a signed-in user asks for another role
-- at an organisation. A request is a pending role assignment with origin 'request' and the
-- requester's reason in role_reason; the reviewer's rejection reason goes in reason.
-- At most one open request per person, organisation and role: two racing submissions cannot both
-- write one.
CREATE UNIQUE INDEX role_assignments_one_open_request ON role_assignments (user_id, organisation_id, role_id)
    WHERE origin = 'request' AND status = 'pending';

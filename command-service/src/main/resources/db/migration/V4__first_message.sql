-- The first contact survives a retry of its message: the welcome is decided by the first message's id, not by
-- whether first_seen_at was already set (a first attempt that failed after touching the user had set it).
alter table conversation_user add column first_message_id uuid;
alter table conversation_user add column last_message_id uuid;

-- Admin reports (admin stats / admin user): messages by creation time, and one user's recent messages, without
-- scanning the whole outbox.
create index outbound_message_created on outbound_message (created_at);
create index outbound_message_user_created on outbound_message (user_ref, created_at);

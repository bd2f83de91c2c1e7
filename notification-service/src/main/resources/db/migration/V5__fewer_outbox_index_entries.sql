-- Every send writes its row two or three times (stored, claimed, sent, then each status callback), and an update
-- that changes the state is never a HOT update, so each write adds an entry to every index of the table. Fewer
-- entries per write, found by measuring (the relay drains a backlog at the speed PostgreSQL writes them):
-- seq is a sequence's value, unique by construction; it orders a recipient's messages through outbound_message_unsent
-- and needs no index of its own.
alter table outbound_message drop constraint outbound_message_seq_key;
-- no statement looks messages up by due time (the claims walk outbound_message_unsent by recipient)
drop index outbound_message_due;
-- a message has no Twilio sid until Twilio accepted it: only the rows that have one are indexed (still unique)
alter table outbound_message drop constraint outbound_message_twilio_sid_key;
create unique index outbound_message_twilio_sid on outbound_message (twilio_sid) where twilio_sid is not null;

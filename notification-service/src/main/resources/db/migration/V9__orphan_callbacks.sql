-- A status callback for a sid we never recorded keeps its recipient, so a message left in 'sending' by a relay that
-- died between Twilio's answer and the record can be recognised as sent when its lease runs out (one message per
-- recipient is in flight), instead of being sent a second time. Set only on such unmatched callbacks; the retention
-- job deletes them with the rest of the history.
alter table outbound_event add column to_address varchar(64);

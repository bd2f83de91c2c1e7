-- A message's "queued" and (applied) "sent" steps are now read from its row (created_at, sent_at): the events
-- that repeated them are removed, so the history does not show them twice.
delete from outbound_event e using outbound_message m
where e.message_id = m.id
  and ((e.state = 'queued' and e.detail = m.kind)
       or (e.state = 'sent' and e.applied and e.detail like 'accepted by Twilio%'));

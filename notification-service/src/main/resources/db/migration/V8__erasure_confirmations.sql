-- "delete my data": the confirmation notification-service sends after erasing a user's rows is stored with
-- kind 'erasure' and its address and text are redacted as soon as it has left the relay (ErasureService). This index
-- holds only such messages not yet redacted (a handful at any time), so the sweep never walks the outbox. Its columns
-- are never changed by the relay or a status callback, so their updates stay HOT.
create index outbound_message_erasure_unredacted on outbound_message (created_at)
    where kind = 'erasure' and to_address <> 'redacted';

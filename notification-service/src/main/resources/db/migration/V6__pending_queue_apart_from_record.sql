-- The relay's queue moves out of the message record. Before, the record's partial index on unsent messages named
-- state, and its sid index named twilio_sid, so every step of a message (claimed, sent, each status callback) was
-- a non-HOT update: a new row version on another page plus an entry in every index. The relay then had to vacuum
-- the record table often, and each vacuum passed over every index of a table that only grows: ~0.6-0.8 s of a core
-- per 10,000 sends at 160,000 rows, the benchmark's worst seconds (p99 39 ms without a vacuum in the window, up to
-- 112 ms with).
--
-- Now the unsent messages are also rows of outbound_pending (inserted with the message, deleted when it leaves
-- queued/sending, in the same statement): a small table whose vacuum costs what it holds, not the history. No index
-- of the record names a column the relay or a callback changes, so those updates are HOT (the new version on the
-- same page, no index entries) as long as the page has room: hence the fill factor.

-- Deploy with the old version scaled to zero (docs/operations.md): an old replica would store messages without
-- their queue row.

-- One row per queued or sending message; state and times mirror the record's (the record stays the truth shown).
create table outbound_pending (
    id              uuid        primary key,
    seq             bigint      not null,
    to_address      varchar(64) not null,
    state           varchar(16) not null,
    next_attempt_at timestamptz not null,
    claimed_at      timestamptz,
    created_at      timestamptz not null
);
-- the claims: each recipient's oldest unsent message (state is not indexed: claiming and requeueing are HOT)
create index outbound_pending_recipient on outbound_pending (to_address, seq);
insert into outbound_pending (id, seq, to_address, state, next_attempt_at, claimed_at, created_at)
select id, seq, to_address, state, next_attempt_at, claimed_at, created_at
from outbound_message where state in ('queued', 'sending');
drop index outbound_message_unsent;

-- Status callbacks find their message by Twilio sid: written once, when Twilio accepted the message.
create table outbound_sid (
    twilio_sid varchar(64) primary key,
    message_id uuid        not null
);
insert into outbound_sid (twilio_sid, message_id)
select twilio_sid, id from outbound_message where twilio_sid is not null;
drop index outbound_message_twilio_sid;

-- room on each page for a message's later versions (sent, delivered, read), so its updates stay on its page; what
-- they leave dead is pruned when the page is next read. On the benchmark 96% of the updates were HOT at 80 (78 MB
-- for 160,000 messages), 99.8% at 50 (105 MB).
alter table outbound_message set (fillfactor = 80);

-- Human handoff (issue 23): where an open support ticket's messages go, as ai-support-service last said
-- (conversation.expect "handoff"). One row per party: 'user:<userRef>' or 'agent:whatsapp:+E164'. A route is applied
-- only if its version is newer, so changes that arrive out of order cannot reopen a closed ticket; closed rows are
-- kept a day for that, then purged (RetentionJob), and a user's row goes with "delete my data".
create table handoff_route (
    party      varchar(160) primary key,
    ticket     bigint       not null,
    version    bigint       not null,
    state      varchar(16)  not null,   -- waiting | assigned | closed
    updated_at timestamptz  not null
);
create index handoff_route_closed on handoff_route (updated_at) where state = 'closed';

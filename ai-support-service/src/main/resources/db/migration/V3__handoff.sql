-- Human handoff (issue 23): support tickets and their transcript. Support conversation data, like the rest of this
-- database: erased with the user ("delete my data") and purged by the retention job (docs/data-lifecycle.md).

-- Every change of every ticket takes the next value: command-service applies a route only if it is newer.
create sequence support_route_version;

create sequence support_ticket_no;
create table support_ticket (
    ticket_no        bigint       primary key default nextval('support_ticket_no'),
    request_id       varchar(64)  not null unique,  -- the message that opened it: a redelivery opens no second one
    user_ref         varchar(80)  not null,
    whatsapp         varchar(40)  not null,         -- where the agent's words go; deleted with the ticket
    username         varchar(64),
    reason           varchar(16)  not null,         -- asked | unhelpful
    state            varchar(16)  not null,         -- waiting | assigned | closed
    agent            varchar(40),                   -- whatsapp:+E164 of the agent (a configured number)
    version          bigint       not null,
    created_at       timestamptz  not null,
    assigned_at      timestamptz,
    last_activity_at timestamptz  not null,
    closed_at        timestamptz,
    closed_by        varchar(16)                    -- user | agent | idle | erasure
);
-- one open ticket per user, one assigned ticket per agent: the database settles races between replicas
create unique index support_ticket_open_user on support_ticket (user_ref) where state <> 'closed';
create unique index support_ticket_agent_busy on support_ticket (agent) where state = 'assigned';
create index support_ticket_waiting on support_ticket (created_at) where state = 'waiting';
create index support_ticket_closed_at on support_ticket (closed_at);

-- What was said in a ticket, redacted (codes, phone numbers, card numbers… as in questions), one row per message.
create table support_ticket_message (
    message_id varchar(64)  primary key,            -- the broker message id: a redelivery is one line
    ticket_no  bigint       not null references support_ticket (ticket_no) on delete cascade,
    sender     varchar(8)   not null,               -- user | agent
    body       text         not null,
    sent_at    timestamptz  not null
);
create index support_ticket_message_ticket on support_ticket_message (ticket_no, sent_at);

-- Who command-service has talked to: link state learned from flash.events, activity, admin blocks.
-- No phone numbers: phone_lookup is a keyed HMAC so "admin user +1876…" can find a row without storing the number.
create table conversation_user (
    user_ref         varchar(128) primary key,
    phone_lookup     varchar(64),
    linked           boolean      not null default false,
    username         varchar(64),
    flash_account_id varchar(128),
    linked_at        timestamptz,
    unlinked_at      timestamptz,
    first_seen_at    timestamptz,
    last_seen_at     timestamptz,
    message_count    bigint       not null default 0,
    blocked          boolean      not null default false
);
create index conversation_user_phone_lookup on conversation_user (phone_lookup);
create index conversation_user_username on conversation_user (lower(username));

-- Usage telemetry: one row per handled message; never the message body.
create sequence command_event_seq increment by 50;
create table command_event (
    id          bigint       primary key,
    user_ref    varchar(128) not null,
    command     varchar(32)  not null,
    outcome     varchar(32)  not null,
    latency_ms  bigint       not null,
    occurred_at timestamptz  not null
);
create index command_event_occurred_at on command_event (occurred_at);

-- The outbound queue (transactional outbox): every WhatsApp message is stored here before it is acknowledged
-- and sent by the relay. seq orders messages to one recipient; state only moves forward (see OutboundState).
create table outbound_message (
    id                 uuid         primary key,
    seq                bigserial    not null unique,
    correlation_id     varchar(128),
    user_ref           varchar(128),
    kind               varchar(32)  not null,
    to_address         varchar(64)  not null,
    body               text,
    media_urls         jsonb        not null default '[]',
    quick_replies      jsonb        not null default '[]',
    template_key       varchar(64),
    template_variables jsonb        not null default '{}',
    last_inbound_at    timestamptz,
    state              varchar(16)  not null,
    use_template       boolean      not null default false,
    attempts           int          not null default 0,
    next_attempt_at    timestamptz  not null,
    claimed_at         timestamptz,
    twilio_sid         varchar(64)  unique,
    error_code         varchar(16),
    error_message      varchar(512),
    created_at         timestamptz  not null,
    sent_at            timestamptz,
    updated_at         timestamptz  not null
);
-- The relay's claim: oldest due message per recipient, only while nothing earlier for it is unsent.
create index outbound_message_unsent on outbound_message (to_address, seq) where state in ('queued', 'sending');
create index outbound_message_due on outbound_message (next_attempt_at, seq) where state = 'queued';
create index outbound_message_correlation on outbound_message (correlation_id);

-- Every step of a message: what the relay did and every status callback (applied or not).
create table outbound_event (
    id          bigserial    primary key,
    message_id  uuid,
    twilio_sid  varchar(64),
    state       varchar(32)  not null,
    applied     boolean      not null,
    detail      varchar(512),
    occurred_at timestamptz  not null
);
create index outbound_event_message on outbound_event (message_id);
create index outbound_event_sid on outbound_event (twilio_sid);

-- When each user last wrote (the 24-hour customer-service window), keyed by userRef only.
create table inbound_window (
    user_ref        varchar(128) primary key,
    last_inbound_at timestamptz  not null
);

-- Linked Flash accounts: how to reach the owner of a Flash account (from account.linked).
create table account_link (
    user_ref         varchar(128) primary key,
    flash_account_id varchar(128) not null unique,
    whatsapp         varchar(64)  not null,
    display_currency varchar(8),
    linked_at        timestamptz  not null
);

create table notification_preferences (
    user_ref        varchar(128) primary key,
    enabled         boolean      not null,
    minimum_value   numeric(30, 8),
    minimum_unit    varchar(8),
    quiet_start     time,
    quiet_end       time,
    time_zone       varchar(64)  not null,
    frequency       varchar(16)  not null,
    updated_at      timestamptz  not null
);

-- Payment events, once per Flash transaction (the natural idempotency key); held ones wait for quiet hours
-- to end or for their digest.
create table payment_notification (
    transaction_id   varchar(128) not null,
    event_type       varchar(32)  not null,
    user_ref         varchar(128) not null,
    wallet_currency  varchar(8),
    amount_minor     bigint       not null,
    display_amount   numeric(30, 8),
    display_currency varchar(8),
    counterparty     varchar(128),
    memo             varchar(512),
    state            varchar(16)  not null,
    reason           varchar(64),
    due_at           timestamptz,
    outbound_id      uuid,
    created_at       timestamptz  not null,
    primary key (transaction_id, event_type)
);
create index payment_notification_held on payment_notification (due_at) where state = 'held';
create index payment_notification_user on payment_notification (user_ref);

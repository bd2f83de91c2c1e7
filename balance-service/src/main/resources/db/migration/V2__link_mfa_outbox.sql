-- A WhatsApp user's link to a Flash account. The token is AES-GCM ciphertext ("<keyId>:<base64>"), never clear.
create table flash_link (
    user_ref          varchar(80)  primary key,
    flash_account_id  varchar(64)  not null,
    flash_user_id     varchar(64)  not null,
    username          varchar(64),
    display_currency  varchar(8)   not null,
    default_wallet_id varchar(64),
    locale            varchar(35),
    token_ciphertext  text,
    -- ACTIVE, or STALE after Flash refused the token (the user must link again)
    status            varchar(16)  not null,
    linked_at         timestamptz  not null,
    -- the MFA session: when the last correct code was given, and the last activity since
    verified_at       timestamptz,
    last_activity_at  timestamptz,
    updated_at        timestamptz  not null
);
create index flash_link_account on flash_link (flash_account_id);

-- The one code flow in progress per user: "link" or "mfa:<pending request id>".
create table code_challenge (
    user_ref       varchar(80) primary key,
    purpose        varchar(80) not null,
    expectation_id varchar(64) not null,
    locale         varchar(35),
    created_at     timestamptz not null,
    expires_at     timestamptz not null
);

-- Wrong-code counting and lockout per user (kept apart from the challenge so a new code does not reset it).
create table otp_guard (
    user_ref          varchar(80) primary key,
    failures          int         not null,
    window_started_at timestamptz not null,
    locked_until      timestamptz
);

-- A request that waits for an MFA code; the payload (it holds the WhatsApp address) is encrypted.
create table pending_request (
    id                 uuid        primary key,
    user_ref           varchar(80) not null,
    routing_key        varchar(64) not null,
    payload_ciphertext text        not null,
    created_at         timestamptz not null,
    expires_at         timestamptz not null
);
create index pending_request_user on pending_request (user_ref);

-- Every MFA guard decision: who, what, the decision and why (no secrets).
create table mfa_audit (
    id         bigserial    primary key,
    user_ref   varchar(80)  not null,
    operation  varchar(40)  not null,
    decision   varchar(16)  not null,
    reason     varchar(120) not null,
    decided_at timestamptz  not null
);
create index mfa_audit_user on mfa_audit (user_ref, decided_at);

-- Transactional outbox: events written with the change that caused them, published by OutboxRelay.
create table outbox_event (
    id           uuid         primary key,
    exchange     varchar(64)  not null,
    routing_key  varchar(64)  not null,
    payload      bytea        not null,
    created_at   timestamptz  not null,
    published_at timestamptz
);
create index outbox_event_unpublished on outbox_event (created_at) where published_at is null;

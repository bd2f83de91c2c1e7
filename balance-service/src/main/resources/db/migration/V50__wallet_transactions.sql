-- Wallet transactions (issue 9). Numbered from 50 so they never clash with the linking migrations.

-- Linked users' WhatsApp addresses, for sending to / requesting from a phone number. phone_hash is an HMAC of
-- the E.164 number (wallet.directory.hash-key); the address itself is AES-GCM ciphertext. Gone with the link.
create table contact_directory (
    user_ref             varchar(80) primary key references flash_link (user_ref) on delete cascade,
    phone_hash           varchar(64) not null unique,
    whatsapp_ciphertext  text        not null,
    updated_at           timestamptz not null
);

-- A payment from "send"/"pay" until it is done: waits for YES, then is sent once with id as Flash's idempotency key.
create table payment_intent (
    id                  uuid         primary key,
    user_ref            varchar(80)  not null,
    -- PENDING (card shown), SENDING (YES given, Flash called), SENT, FAILED, DECLINED, EXPIRED
    status              varchar(16)  not null,
    kind                varchar(16)  not null,          -- INTRA_USD, INTRA_SATS, INVOICE
    wallet_id           varchar(64)  not null,
    wallet_currency     varchar(8)   not null,
    recipient_kind      varchar(24)  not null,
    recipient_label     varchar(120) not null,          -- what the card shows (@username, masked phone, invoice)
    recipient_key       text         not null,          -- wallet id or invoice: what Flash is given
    amount_minor        bigint       not null,          -- in the sending wallet's unit (cents or sats); 0 = from invoice
    usd_cents           bigint       not null,          -- the amount in US cents, for limits
    memo                varchar(700),
    flash_status        varchar(16),
    flash_error         varchar(64),
    flash_transaction_id varchar(64),
    created_at          timestamptz  not null,
    expires_at          timestamptz  not null,
    decided_at          timestamptz
);
create index payment_intent_user on payment_intent (user_ref, created_at);

-- Every money movement decision: who, what, to whom, how much, the decision and Flash's transaction id.
create table payment_audit (
    id                   bigserial    primary key,
    user_ref             varchar(80)  not null,
    intent_id            uuid,
    operation            varchar(24)  not null,
    recipient            varchar(120),
    recipient_key_hash   varchar(64),
    amount_minor         bigint,
    unit                 varchar(8),
    usd_cents            bigint,
    decision             varchar(24)  not null,
    reason               varchar(120),
    flash_transaction_id varchar(64),
    decided_at           timestamptz  not null
);
create index payment_audit_user on payment_audit (user_ref, decided_at);

-- Payment requests ("request 10 from @bob"): the invoice made for it and who it went to.
create table payment_request (
    id               uuid         primary key,
    user_ref         varchar(80)  not null,
    status           varchar(16)  not null,             -- OPEN, CANCELLED
    amount_minor     bigint       not null,
    unit             varchar(8)   not null,             -- USD (cents) or SATS
    counterparty     varchar(120) not null,
    delivered        boolean      not null,
    memo             varchar(700),
    payment_request  text         not null,
    created_at       timestamptz  not null,
    expires_at       timestamptz  not null
);
create index payment_request_user on payment_request (user_ref, created_at);

-- Flash transactions already published on flash.events (by the bridge or the send flow): each exactly once.
create table emitted_transaction (
    transaction_id varchar(64)  primary key,
    user_ref       varchar(80)  not null,
    direction      varchar(8)   not null,
    source         varchar(16)  not null,
    emitted_at     timestamptz  not null
);

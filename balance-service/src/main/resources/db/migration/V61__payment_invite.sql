-- Invite payments (issue 22): "send 5 to +1876…" for a number nobody linked. Nothing is held: the money stays in the
-- sender's wallet until the number links, then it is paid once (a payment_intent whose id, the idempotency key at
-- Flash, is derived from the invite id and its attempt). The recipient's number is stored only as an HMAC
-- (phone_hash, wallet.directory.hash-key) plus, while the invite is open, in one AEAD ciphertext bound to the invite
-- (with the sender's address, to tell them the outcome); the ciphertext is wiped when the invite closes.
-- status: ASKED (card shown, waiting for YES until expires_at), OPEN (until expires_at), CLAIMING (being paid),
-- PAID, CANCELLED, DECLINED, EXPIRED. number: the sender's own numbering ("cancel invite 2").
create table payment_invite (
    id              uuid        primary key,
    user_ref        varchar(80) not null,
    number          integer     not null,
    status          varchar(16) not null,
    phone_hash      varchar(64) not null,
    ciphertext      text,
    recipient_label varchar(40) not null,
    kind            varchar(16) not null,
    wallet_id       varchar(100) not null,
    wallet_currency varchar(8)  not null,
    amount_minor    bigint      not null,
    usd_cents       bigint      not null,
    attempt         integer     not null default 0,
    created_at      timestamptz not null,
    expires_at      timestamptz not null,
    decided_at      timestamptz,
    flash_transaction_id varchar(200)
);

create unique index payment_invite_number on payment_invite (user_ref, number);
create index payment_invite_phone on payment_invite (phone_hash) where status in ('OPEN', 'CLAIMING');
create index payment_invite_open on payment_invite (expires_at) where status in ('ASKED', 'OPEN');

-- When a number was last sent the invite template: one message per number per invite lifetime, whoever invites.
create table invite_notice (
    phone_hash  varchar(64) primary key,
    notified_at timestamptz not null
);

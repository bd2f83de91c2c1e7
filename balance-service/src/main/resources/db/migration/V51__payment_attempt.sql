-- One row per payment handed to Flash by a mutation that Flash cannot de-duplicate (lnNoAmountUsdInvoicePaymentSend
-- has no idempotencyKey). Written before the call: the primary key makes a second call for the same intent
-- impossible, whatever the outcome of the first (an unknown outcome is never retried automatically).
create table payment_attempt (
    intent_id    uuid         primary key,
    user_ref     varchar(80)  not null,
    attempted_at timestamptz  not null
);

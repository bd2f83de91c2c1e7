-- Idempotency inbox: a message id is handled once per consumer, whatever the broker redelivers.
create table inbox_message (
    message_id  uuid        not null,
    consumer    varchar(64) not null,
    received_at timestamptz not null,
    primary key (message_id, consumer)
);
create index inbox_message_received_at on inbox_message (received_at);

-- Our WhatsApp number the user last wrote to (InboundMessage.to): WhatsApp's 24-hour window is per business number,
-- so the relay replies from it when it is one of the pool's senders. Ours, not the user's: no personal data.
alter table inbound_window add column business_number varchar(64);

-- The Lightning fee Flash quoted (fee probe) when the confirmation card was shown: in the sending wallet's unit
-- (fee_unit SATS or USD cents). Null where no fee was probed (Flash to Flash, probe failed, other decisions).
alter table payment_audit add column fee_minor bigint;
alter table payment_audit add column fee_unit varchar(8);

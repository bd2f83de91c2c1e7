-- Numbers that answered an invite (or anything, while not linked) with "stop": no invite messages them again.
-- Only the number's keyed hash (ContactDirectory.hash, as payment_invite.phone_hash); kept while the number wants
-- it, so erasure and housekeeping leave it (deleting it would start the messages again).
create table invite_opt_out (
    phone_hash     varchar(64) primary key,
    opted_out_at   timestamptz not null
);

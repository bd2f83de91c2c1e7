-- Saved contacts (issue 22): "save mom +1876…" or a shared contact card, then "send 5 to mom". Per user, never
-- shown to anyone else. Name and number are one AEAD ciphertext bound to the owner's userRef; name_key is an HMAC
-- of the normalised name (one contact per name and user) so the table holds neither in clear. A PENDING row
-- waits for the owner's YES until expires_at and is swept after it.
create table saved_contact (
    id          uuid        primary key,
    user_ref    varchar(80) not null,
    name_key    varchar(64) not null,
    ciphertext  text        not null,
    status      varchar(16) not null,
    created_at  timestamptz not null,
    expires_at  timestamptz
);

create unique index saved_contact_name on saved_contact (user_ref, name_key) where status = 'SAVED';
create index saved_contact_user on saved_contact (user_ref, status);

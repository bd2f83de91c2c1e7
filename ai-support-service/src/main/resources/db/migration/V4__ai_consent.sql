-- Consent to answers from Maple AI (a third-party model): every choice with its time, the version of the notice's
-- wording and where it was made. The latest row of a user is their current choice; without one, answers come from
-- the FAQ alone. Nobody has a row at first: users who asked before this existed see the notice on their next
-- question, like new users.
create table ai_consent (
    id              bigserial    primary key,
    user_ref        varchar(80)  not null,
    granted         boolean      not null,
    wording_version varchar(32)  not null,
    source          varchar(32)  not null,   -- first-answer | command
    recorded_at     timestamptz  not null
);
create index ai_consent_user on ai_consent (user_ref, recorded_at desc, id desc);

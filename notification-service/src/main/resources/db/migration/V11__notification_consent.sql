-- Opt-in to payment notifications (WhatsApp requires it for business-initiated messages): every choice is kept
-- with its time, the version of the wording the user saw and where it was made. The latest row of a user is their
-- current choice; notification_preferences.enabled mirrors it (and is what the payment rules read).
create table notification_consent (
    id              bigserial    primary key,
    user_ref        varchar(128) not null,
    granted         boolean      not null,
    wording_version varchar(32)  not null,
    source          varchar(32)  not null,   -- link-question | command | migration
    recorded_at     timestamptz  not null
);
create index notification_consent_user on notification_consent (user_ref, recorded_at desc, id desc);

-- Users who had preferences before consent was asked keep what they had: their current on/off is recorded as
-- their choice under the wording "before-consent", so they are not asked again on a re-link and their
-- notifications do not stop. `notifications off` withdraws it as for anyone.
insert into notification_consent (user_ref, granted, wording_version, source, recorded_at)
select user_ref, enabled, 'before-consent', 'migration', now() from notification_preferences;

-- The relay replicas alive now, each seen within app.relay.replica-ttl: they divide each sender's pace between them,
-- so that several replicas together keep to a WhatsApp number's limit. A replica's random id and when it was last
-- seen; no personal data.
create table relay_replica (
    id      uuid        primary key,
    seen_at timestamptz not null
);

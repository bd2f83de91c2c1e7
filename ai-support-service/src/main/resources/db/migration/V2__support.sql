-- FAQ knowledge base: one row per entry, one row per question variant with its embedding.
-- pgvector is not installed on our machines: vectors are real[] and the search runs in memory (tens of entries).
create table faq_entry (
    id           varchar(64)  primary key,
    category     varchar(64)  not null,
    locale       varchar(16)  not null,
    tags         text[]       not null,
    answer       text         not null,
    payload      text         not null,   -- JSON of the whole entry as loaded, for the in-memory index
    content_hash varchar(64)  not null,   -- SHA-256 of what is embedded: re-embed only when it changes
    updated_at   timestamptz  not null,
    embedded_at  timestamptz  not null
);

create table faq_variant (
    entry_id  varchar(64) not null references faq_entry (id) on delete cascade,
    idx       int         not null,
    question  text        not null,
    embedding real[]      not null,
    primary key (entry_id, idx)
);

-- One row per question answered (or refused by the throttle). No phone number, no raw text: the question is
-- stored only after redaction, for the "top unanswered questions" report.
create table support_interaction (
    answer_id         varchar(64)  primary key,
    user_ref          varchar(80)  not null,
    created_at        timestamptz  not null,
    source            varchar(16)  not null,   -- ai | kb_fallback | unavailable | throttled
    latency_ms        bigint       not null,
    prompt_tokens     int          not null default 0,
    completion_tokens int          not null default 0,
    top_score         real,
    faq_ids           text[]       not null,
    scores            real[]       not null,
    question_redacted text,
    helpful           boolean,
    feedback_at       timestamptz
);
create index support_interaction_created_at on support_interaction (created_at);

-- Feedback as received (button, reply or feedback message); the latest answer per answer id wins.
create table support_feedback (
    answer_id   varchar(64)  primary key,
    user_ref    varchar(80)  not null,
    helpful     boolean      not null,
    comment     text,
    fallback    boolean      not null,
    faq_ids     text[]       not null,
    received_at timestamptz  not null
);

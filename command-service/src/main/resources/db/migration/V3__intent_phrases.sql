-- Learning from use: phrasings the intent layer did not understand (handed to AI support), whose "Did you mean"
-- was declined, or that the user corrected ("no, I meant …"). Redacted before storing (no names, numbers, amounts
-- or addresses; see intent/PhraseRedactor), counted per day, deleted after command.retention.intent-phrases.
create table intent_phrase (
    day       date         not null,
    phrase    varchar(160) not null,
    reason    varchar(16)  not null,
    count     bigint       not null,
    last_seen timestamptz  not null,
    primary key (day, phrase, reason)
);

-- Quick-reply buttons go out as Twilio Content templates (twilio/quick-reply or twilio/list-picker) whose body is
-- the variable {{1}}: one template per distinct button set serves every body. Created once through the Content API
-- and kept here, so every replica and every restart reuses it. set_key is a SHA-256 of the type and the buttons.
create table quick_reply_content (
    set_key     varchar(64)  primary key,
    content_sid varchar(34)  not null,
    created_at  timestamptz  not null default now()
);

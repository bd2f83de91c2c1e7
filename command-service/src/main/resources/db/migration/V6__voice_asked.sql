-- Whether the user ever asked for voice replies ("voice on"). ai-support-service owns the preference; this is only
-- command-service's hint of whether handing a help text over to be spoken can matter. Only command-service parses
-- "voice on", so a user without the hint has voice off, and most help texts need no speech request at all.
-- Users seen before this column existed may have voice on: they keep the hint.
alter table conversation_user add column voice_asked boolean not null default false;
update conversation_user set voice_asked = true;

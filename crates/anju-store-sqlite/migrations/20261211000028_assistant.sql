-- 智能客服: a signed-in member's conversations with the assistant, each
-- message's text sealed at rest (`assistant_message.text`); a conversation
-- handed to a person (转人工) waits in the staff queue by `handed_over_at_us`.
-- Questions the assistant could not answer are counted, one row a question
-- (digits of six or more masked before they are kept).
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE assistant_conversation (
    conversation_id   INTEGER NOT NULL PRIMARY KEY,
    member_id         INTEGER NOT NULL,
    status            TEXT   NOT NULL,
    started_at_us     INTEGER NOT NULL,
    handed_over_at_us INTEGER,
    agent_login       TEXT,
    updated_at_us     INTEGER NOT NULL
);
CREATE INDEX assistant_conversation_member ON assistant_conversation (member_id, conversation_id);
CREATE INDEX assistant_conversation_status ON assistant_conversation (status, handed_over_at_us);
-- One conversation open per member: two first questions at once make one.
CREATE UNIQUE INDEX assistant_conversation_open ON assistant_conversation (member_id) WHERE status <> 'closed';

CREATE TABLE assistant_message (
    message_id      INTEGER NOT NULL PRIMARY KEY,
    conversation_id INTEGER NOT NULL,
    author          TEXT   NOT NULL,
    agent_login     TEXT,
    text            TEXT   NOT NULL,
    sources         TEXT   NOT NULL,
    at_us           INTEGER NOT NULL
);
CREATE INDEX assistant_message_conversation ON assistant_message (conversation_id, message_id);

CREATE TABLE assistant_unanswered (
    question TEXT   NOT NULL PRIMARY KEY,
    asked    INTEGER NOT NULL,
    first_on TEXT   NOT NULL,
    last_on  TEXT   NOT NULL
);
-- The daily cap on new questions counts the day's first askings.
CREATE INDEX assistant_unanswered_first_on ON assistant_unanswered (first_on);

-- The knowledge-base articles an answer of the bot cites: a JSON array of
-- {article_id, title, url}; empty for every other message.
ALTER TABLE messages ADD COLUMN citations TEXT NOT NULL DEFAULT '';

-- What the bot did per workspace and UTC day (BotService.GetBotStatus).
CREATE TABLE bot_usage (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    requests BIGINT NOT NULL DEFAULT 0,
    prompt_tokens BIGINT NOT NULL DEFAULT 0,
    completion_tokens BIGINT NOT NULL DEFAULT 0,
    answers BIGINT NOT NULL DEFAULT 0,
    hand_offs BIGINT NOT NULL DEFAULT 0,
    failures BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, day)
);

-- The bot's last failure talking to the model, shown to owners.
ALTER TABLE workspaces ADD COLUMN bot_last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE workspaces ADD COLUMN bot_last_error_at BIGINT;

-- A workspace's own model (BotService.SetWorkspaceModel), used instead of the server's.
-- `api_key` is sealed (`bot::sealed`): base64 of nonce and AES-256-GCM ciphertext; empty
-- for none.
CREATE TABLE workspace_models (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    base_url TEXT NOT NULL,
    model TEXT NOT NULL,
    api_key TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One-use, expiring password-reset links (AuthService.RequestPasswordReset); only the
-- token's hash is stored, as for refresh tokens and invitations.
CREATE TABLE password_resets (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);

-- The knowledge base: articles per workspace, searched by full text (FTS5, English
-- stemming by the Porter stemmer). The index holds the content of `articles` (external
-- content table) and is kept in step by triggers.

CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    -- JSON array of lowercase tags.
    tags TEXT NOT NULL DEFAULT '[]',
    published BOOLEAN NOT NULL DEFAULT FALSE,
    url TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- The list, most recently changed first.
CREATE INDEX articles_workspace_updated_idx ON articles (workspace_id, updated_at DESC, id DESC);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, tags, body,
    content = 'articles', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, tags, body) VALUES (new.rowid, new.title, new.tags, new.body);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, tags, body)
    VALUES ('delete', old.rowid, old.title, old.tags, old.body);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, tags, body)
    VALUES ('delete', old.rowid, old.title, old.tags, old.body);
    INSERT INTO articles_fts (rowid, title, tags, body) VALUES (new.rowid, new.title, new.tags, new.body);
END;

-- The knowledge base: articles per workspace, searched by full text (a generated
-- `tsvector` with the `english` configuration: title weighted A, tags B, body C).

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
    updated_at BIGINT NOT NULL,
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', tags), 'B')
        || setweight(to_tsvector('english', body), 'C')
    ) STORED
);
-- The list, most recently changed first.
CREATE INDEX articles_workspace_updated_idx ON articles (workspace_id, updated_at DESC, id DESC);
CREATE INDEX articles_search_idx ON articles USING GIN (search);

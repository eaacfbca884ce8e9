-- newsdesk store, schema version 1. Records keep their full contract JSON in `data`;
-- the other columns are there to filter and join on.
CREATE TABLE articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL UNIQUE,
    source TEXT,
    url TEXT,
    title TEXT,
    outlet TEXT,
    byline TEXT,
    published TEXT,
    language TEXT,
    text TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    analysis TEXT NOT NULL,
    model TEXT,
    ingested_at TEXT NOT NULL,
    analyzed_at TEXT NOT NULL
);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_outlet ON articles (outlet);

CREATE TABLE copies (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    url TEXT,
    outlet TEXT,
    title TEXT,
    published TEXT,
    seen_at TEXT NOT NULL,
    UNIQUE (article_id, source)
);

CREATE TABLE entities (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_id TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    kb_id TEXT,
    country TEXT,
    mention_count INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (article_id, entity_id)
);
CREATE INDEX entities_name ON entities (name);
CREATE INDEX entities_kb ON entities (kb_id);

CREATE TABLE quotes (
    rowid INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL,
    speaker TEXT,
    speaker_entity TEXT,
    content TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX quotes_article ON quotes (article_id);
CREATE INDEX quotes_speaker ON quotes (speaker);

CREATE TABLE events (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    type TEXT NOT NULL,
    source_codes TEXT,
    target_codes TEXT,
    date TEXT,
    data TEXT NOT NULL
);
CREATE INDEX events_article ON events (article_id);
CREATE INDEX events_type ON events (type);

CREATE TABLE figures (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    value REAL,
    unit TEXT,
    data TEXT NOT NULL
);
CREATE INDEX figures_article ON figures (article_id);

CREATE TABLE dates (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    value TEXT,
    granularity TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX dates_article ON dates (article_id);

CREATE TABLE claims (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    holder TEXT,
    stance TEXT,
    contested INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL
);
CREATE INDEX claims_article ON claims (article_id);

-- Full-text search over article titles and text, and over quote contents (external content).
CREATE VIRTUAL TABLE articles_fts USING fts5 (title, text, content='articles', content_rowid='rowid');
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;

CREATE VIRTUAL TABLE quotes_fts USING fts5 (content, speaker, content='quotes', content_rowid='rowid');
CREATE TRIGGER quotes_ai AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts (rowid, content, speaker) VALUES (new.rowid, new.content, new.speaker);
END;
CREATE TRIGGER quotes_ad AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, content, speaker) VALUES ('delete', old.rowid, old.content, old.speaker);
END;

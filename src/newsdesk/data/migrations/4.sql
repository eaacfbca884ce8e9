-- Schema 4: feed state for `newsdesk watch` (src/newsdesk/watch.py), so that a restart resumes
-- without fetching or analysing again what was already done.
-- `feeds`: one row per polled feed or sitemap (a sitemap listed by a sitemap index has its index
-- as `parent`), with the validators of its last answer (ETag, Last-Modified), when it was
-- checked and is next due (ISO 8601 UTC), and its consecutive failures and last error.
CREATE TABLE feeds (
    url TEXT PRIMARY KEY,
    parent TEXT,
    name TEXT,
    final_url TEXT,
    etag TEXT,
    last_modified TEXT,
    marker TEXT,
    last_checked TEXT,
    last_ok TEXT,
    next_due TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);

-- `feed_items`: one row per item of a feed (`item_key`: guid, id, else link). `marker` is the
-- item's updated (else published) date as the feed gave it when the page was last fetched: a
-- new marker means the item changed. `hash` is the content hash of the page's text, `etag` and
-- `last_modified` the page's validators. `status`: stored (its article is `article_id`),
-- skipped (robots.txt, not an article, too large, not English: not fetched again until the
-- item changes) or failed (fetch error: retried on later rounds, `failures` counts them).
CREATE TABLE feed_items (
    feed_url TEXT NOT NULL,
    item_key TEXT NOT NULL,
    url TEXT NOT NULL,
    title TEXT,
    published TEXT,
    marker TEXT,
    article_id TEXT REFERENCES articles (id) ON DELETE SET NULL,
    etag TEXT,
    last_modified TEXT,
    hash TEXT,
    status TEXT NOT NULL CHECK (status IN ('stored', 'skipped', 'failed')),
    error TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    fetched_at TEXT,
    PRIMARY KEY (feed_url, item_key)
);
CREATE INDEX feed_items_url ON feed_items (url);
CREATE INDEX feed_items_article ON feed_items (article_id);

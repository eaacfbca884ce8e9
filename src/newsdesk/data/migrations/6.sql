-- Schema 6: incidents across outlets (newsdesk.incidents) and alerts already sent (newsdesk.alerts).
-- An incident is the same event reported by several articles: same PLOVER type, overlapping
-- actor codes, days close together, compatible places (docs/monitoring.md). The per-article
-- event records stay in `events`; `incident_events` says which incident each event belongs to.
-- Codes are stored as ",RUS,UKR," (sorted) so that one code is found with LIKE (any case).
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    modality TEXT NOT NULL,
    source_codes TEXT NOT NULL DEFAULT '',
    target_codes TEXT NOT NULL DEFAULT '',
    first_day TEXT,
    last_day TEXT,
    reports INTEGER NOT NULL DEFAULT 1,
    events INTEGER NOT NULL DEFAULT 1,
    alleged INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL
);
CREATE INDEX incidents_match ON incidents (type, modality, first_day, last_day);
CREATE INDEX incidents_last_day ON incidents (last_day);

CREATE TABLE incident_events (
    incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    position INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    PRIMARY KEY (article_id, idx)
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, position);

-- One row per alert emitted, so that an article analysed again does not fire it twice.
CREATE TABLE alerts_sent (
    rule TEXT NOT NULL,
    article_id TEXT NOT NULL,
    evidence TEXT NOT NULL,
    kind TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (rule, article_id, evidence)
);

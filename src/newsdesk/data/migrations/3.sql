-- Schema 3: events can be filtered by actor and by day.
-- `events.day` is the day an event is filed under: its own date (the first day of it, for a
-- month, week or year) when the coder found one, else the article's publication day. It is
-- computed by newsdesk's `event_day(date, published)`, which the store registers on its
-- connection before migrating.
-- `event_actors` holds one row per source or target actor of an event, with its code (ISO 3166
-- alpha-3, IGO acronym, group), its name in the article and, when linked, its entity's id, name
-- and KB id.
ALTER TABLE events ADD COLUMN day TEXT;
UPDATE events SET day = event_day(date, (SELECT published FROM articles a WHERE a.id = events.article_id));
CREATE INDEX events_day ON events (day);
CREATE INDEX events_date ON events (date);

CREATE TABLE event_actors (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('source', 'target')),
    position INTEGER NOT NULL,
    code TEXT COLLATE NOCASE,
    name TEXT NOT NULL,
    entity TEXT,
    entity_name TEXT,
    kb_id TEXT,
    sector TEXT
);
CREATE INDEX event_actors_event ON event_actors (article_id, idx);
CREATE INDEX event_actors_code ON event_actors (code, role);
CREATE INDEX event_actors_kb ON event_actors (kb_id);

-- Backfill from the events' contract JSON.
INSERT INTO event_actors (article_id, idx, role, position, code, name, entity, entity_name, kb_id, sector)
SELECT e.article_id, e.idx, r.role, CAST(x.key AS INTEGER),
       json_extract(x.value, '$.code'),
       coalesce(json_extract(x.value, '$.name'), ''),
       json_extract(x.value, '$.entity'),
       n.name,
       n.kb_id,
       json_extract(x.value, '$.sector')
FROM events e
JOIN (SELECT 'source' AS role UNION ALL SELECT 'target') r
JOIN json_each(e.data, '$.' || r.role) x
LEFT JOIN entities n ON n.article_id = e.article_id AND n.entity_id = json_extract(x.value, '$.entity')
ORDER BY e.article_id, e.idx, r.role, x.key;

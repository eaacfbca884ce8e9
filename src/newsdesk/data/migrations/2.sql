-- Schema 2: quotes keep their speaker's KB id (stable across articles) and the entities their
-- content is about, so quotes can be filtered by speaker and topic across the store.
ALTER TABLE quotes ADD COLUMN speaker_kb TEXT;
ALTER TABLE quotes ADD COLUMN about TEXT;
CREATE INDEX quotes_speaker_kb ON quotes (speaker_kb);

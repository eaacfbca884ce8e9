-- Schema 5: near-duplicate detection (newsdesk.dedup).
-- `minhash` holds one MinHash signature per canonical article (copies have none): its values as
-- little-endian 32-bit integers, the number of distinct shingles of the text and the scheme
-- (shingle size, permutations, bands) it was made with; signatures of another scheme are
-- recomputed. `minhash_bands` holds one row per LSH band of a signature: `bucket` is the band's
-- number and values hashed to one signed 64-bit key, so finding the candidates of a text is one
-- indexed lookup (`bucket IN (...)`). Articles stored before this schema get their signatures
-- from `NearDuplicates.backfill` on the next ingest.
CREATE TABLE minhash (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    scheme TEXT NOT NULL,
    shingles INTEGER NOT NULL,
    signature BLOB NOT NULL
);

CREATE TABLE minhash_bands (
    bucket INTEGER NOT NULL,
    article_id TEXT NOT NULL REFERENCES minhash (article_id) ON DELETE CASCADE,
    PRIMARY KEY (bucket, article_id)
) WITHOUT ROWID;
CREATE INDEX minhash_bands_article ON minhash_bands (article_id);

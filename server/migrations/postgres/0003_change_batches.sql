-- One feed entry per document per upload instead of one per change: a day's upload of 10,000
-- changes writes a tenth of the rows and index entries (index upkeep was most of a large
-- merge's time here). See `server/src/store/batch.rs` for the layout of `data`, and
-- docs/decisions.md, "The feed stores one entry per document per upload".
CREATE TABLE change_batches (
    seq            BIGINT PRIMARY KEY,    -- from feed_counter, inside the writing transaction
    -- No foreign key: the document row is written in the same transaction just before.
    document_id    TEXT NOT NULL,
    username       TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    received_at_ms BIGINT NOT NULL,
    change_count   INTEGER NOT NULL,
    hashes         BYTEA NOT NULL,        -- the changes' 32-byte hashes, concatenated in order
    data           BYTEA NOT NULL         -- each change as a 4-byte big-endian length, then its bytes
);

-- Each older change becomes an entry of its own, keeping its sequence number, so positions
-- devices already hold stay valid.
INSERT INTO change_batches
    (seq, document_id, username, device_id, received_at_ms, change_count, hashes, data)
SELECT seq, document_id, username, device_id, received_at_ms, 1, hash,
       int4send(length(data)) || data
FROM changes;

DROP TABLE changes;

CREATE INDEX change_batches_by_document ON change_batches (document_id, seq);

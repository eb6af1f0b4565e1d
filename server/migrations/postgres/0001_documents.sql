-- The township's master copy: one row per record, holding the merged Automerge document.
CREATE TABLE documents (
    id            TEXT PRIMARY KEY,
    record_type   TEXT NOT NULL,
    village       TEXT NOT NULL,          -- access scope, copied from the document on merge
    data          BYTEA NOT NULL,         -- Automerge save() of the merged document
    heads         BYTEA NOT NULL,         -- concatenated 32-byte change hashes
    updated_at_ms BIGINT NOT NULL
);

-- The last feed position handed out. Not a SEQUENCE: nextval() is not transactional, so two
-- servers could commit seq 8 before seq 7 and a device that read the feed in between would
-- move its position past 7 and never download it. A writer takes this row's lock for its
-- whole transaction and numbers its changes from it, so changes commit in sequence order.
-- See docs/decisions.md, "PostgreSQL: a counter row makes the feed commit in order".
CREATE TABLE feed_counter (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);
INSERT INTO feed_counter (id, seq) VALUES (1, 0);

-- Every change ever accepted, once, with who sent it. The feed devices download from
-- (ordered by seq) and the audit trail reviewers read.
CREATE TABLE changes (
    seq            BIGINT PRIMARY KEY,    -- from feed_counter, inside the writing transaction
    hash           BYTEA NOT NULL,
    -- No foreign key: the document row is written in the same transaction just before its
    -- changes, and a per-row referential check made a 10,000-change upload a third slower.
    document_id    TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    received_at_ms BIGINT NOT NULL,
    data           BYTEA NOT NULL,
    -- Per document: the same change bytes can belong to two documents (one actor writing two
    -- identical records in the same second), and each must keep its own feed entry.
    UNIQUE (document_id, hash)
);

CREATE INDEX documents_by_village ON documents (village, record_type);
CREATE INDEX changes_by_document ON changes (document_id, seq);

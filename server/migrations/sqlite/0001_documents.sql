-- The township's master copy: one row per record, holding the merged Automerge document.
CREATE TABLE documents (
    id           TEXT PRIMARY KEY NOT NULL,
    record_type  TEXT NOT NULL,
    village      TEXT NOT NULL,           -- access scope, copied from the document on merge
    data         BLOB NOT NULL,           -- Automerge save() of the merged document
    heads        BLOB NOT NULL,           -- concatenated 32-byte change hashes
    updated_at_ms INTEGER NOT NULL
);

-- Every change ever accepted, once, with who sent it. The feed devices will download from
-- (ordered by seq) and the audit trail reviewers read.
CREATE TABLE changes (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    hash         BLOB NOT NULL,
    document_id  TEXT NOT NULL REFERENCES documents (id),
    device_id    TEXT NOT NULL,
    received_at_ms INTEGER NOT NULL,
    data         BLOB NOT NULL,
    -- Per document: the same change bytes can belong to two documents (one actor writing two
    -- identical records in the same second), and each must keep its own feed entry.
    UNIQUE (document_id, hash)
);

CREATE INDEX documents_by_village ON documents (village, record_type);
CREATE INDEX changes_by_document ON changes (document_id, seq);

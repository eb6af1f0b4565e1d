-- The township office's verdict on each record version. Kept here, not in the record: anyone
-- who can edit a record could otherwise approve it. See docs/review.md.
CREATE TABLE reviews (
    document_id    TEXT PRIMARY KEY,
    verdict        TEXT NOT NULL CHECK (verdict IN ('approved', 'returned')),
    heads          BLOB NOT NULL,          -- the version judged: sorted 32-byte heads, concatenated
    reviewer       TEXT NOT NULL,
    comment        TEXT NOT NULL,
    reviewed_at_ms INTEGER NOT NULL
);

CREATE INDEX documents_by_update ON documents (updated_at_ms);

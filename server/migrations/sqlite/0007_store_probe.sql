-- One row the health check rewrites after a write failed to finish, to learn whether the
-- database can write again before saying so (decision 21).
CREATE TABLE store_probe (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    written_at_ms INTEGER NOT NULL
);
INSERT INTO store_probe (id, written_at_ms) VALUES (1, 0);

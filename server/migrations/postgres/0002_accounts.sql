-- Villages (村/居): the unit of access.
CREATE TABLE villages (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE users (
    username      TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('worker', 'reviewer', 'admin')),
    password_hash TEXT NOT NULL,              -- argon2id PHC string
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at_ms BIGINT NOT NULL
);

-- A village worker's villages. Reviewers and admins are township-wide and have none.
CREATE TABLE user_villages (
    username   TEXT NOT NULL REFERENCES users (username),
    village_id TEXT NOT NULL REFERENCES villages (id),
    PRIMARY KEY (username, village_id)
);

-- Login sessions. Only a SHA-256 of the bearer token is kept, so a copy of the database does
-- not let anyone sync as the workers.
CREATE TABLE sessions (
    token_hash    BYTEA PRIMARY KEY,
    username      TEXT NOT NULL REFERENCES users (username),
    device_id     TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    revoked       BOOLEAN NOT NULL DEFAULT FALSE
);

-- Each Automerge actor belongs to the user and device that first used it; a change signed
-- with another user's actor is refused.
CREATE TABLE actors (
    actor         TEXT PRIMARY KEY,           -- hex actor id
    username      TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    first_seen_ms BIGINT NOT NULL
);

-- Who sent each change.
ALTER TABLE changes ADD COLUMN username TEXT NOT NULL DEFAULT '';

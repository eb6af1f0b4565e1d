-- Crash reports phones send with their next sync (decision 19): where the app stopped (build,
-- screen, wasm frames as [function index, byte offset]), never what the worker had typed.
CREATE TABLE crash_reports (
    username       TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    received_at_ms BIGINT NOT NULL,
    crashed_at_ms  BIGINT NOT NULL,      -- by the phone's clock
    build          TEXT NOT NULL,        -- index.html's build id: names the symbol map
    screen         TEXT NOT NULL,
    kind           TEXT NOT NULL,
    detail         TEXT NOT NULL,
    frames         TEXT NOT NULL,        -- JSON: [[function index, byte offset], …], innermost first
    PRIMARY KEY (device_id, crashed_at_ms)  -- a resent report is stored once
);

CREATE INDEX crash_reports_by_time ON crash_reports (crashed_at_ms);

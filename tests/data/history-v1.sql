-- A history database as apidrift's schema v1 created it (runs, findings, occurrences; no series,
-- no counts, no first/last seen), with three nights of one live series and one diff run.
-- tests/unit/test_history_store.py loads it and checks that opening it migrates it to the current schema.
PRAGMA user_version = 1;
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    api TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    night TEXT NOT NULL,
    exit_code INTEGER NOT NULL
);
CREATE TABLE findings (
    key INTEGER PRIMARY KEY,
    api TEXT NOT NULL,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    operation TEXT,
    path TEXT NOT NULL,
    UNIQUE (api, id)
);
CREATE TABLE occurrences (
    run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    finding INTEGER NOT NULL REFERENCES findings (key),
    severity TEXT NOT NULL,
    PRIMARY KEY (run, finding)
) WITHOUT ROWID;
INSERT INTO runs VALUES (1, 'openai-admin', 'live', '2026-04-30', '2026-06-01T02:30:00+00:00', 1);
INSERT INTO runs VALUES (2, 'openai-admin', 'live', '2026-04-30', '2026-06-02T02:30:00+00:00', 1);
INSERT INTO runs VALUES (3, 'openai-admin', 'check', '2026-04-30', '2026-06-03T02:30:00+00:00', 1);
INSERT INTO runs VALUES (4, 'openai-admin', 'diff', '2026-05-02', '2026-06-03T03:00:00+00:00', 0);
INSERT INTO findings VALUES (1, 'openai-admin', 'ad-aaaaaaaaaaaa', 'schema-violation', 'usage-costs', 'data[].result');
INSERT INTO findings VALUES (2, 'openai-admin', 'ad-bbbbbbbbbbbb', 'undocumented-field', 'list-users', 'data[].created');
INSERT INTO findings VALUES (3, 'openai-admin', 'ad-cccccccccccc', 'field-renamed', 'list-invites', 'data[].invited_at -> data[].created_at');
INSERT INTO findings VALUES (4, 'openai-admin', 'ad-dddddddddddd', 'field-added', 'list-users', 'data[].created');
-- the violation every night; the undocumented field on nights 1 and 3 (a flap); the rename on night 2 only
INSERT INTO occurrences VALUES (1, 1, 'breaking');
INSERT INTO occurrences VALUES (1, 2, 'warning');
INSERT INTO occurrences VALUES (2, 1, 'breaking');
INSERT INTO occurrences VALUES (2, 3, 'breaking');
INSERT INTO occurrences VALUES (3, 1, 'breaking');
INSERT INTO occurrences VALUES (3, 2, 'warning');
INSERT INTO occurrences VALUES (4, 4, 'info');

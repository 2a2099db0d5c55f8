-- Quanzi schema v7: sign-in failures and sign-ups are counted in the database, so that the
-- limits hold across several server instances and across restarts.
--
-- One row per counted event in a bucket: `sign_in_email:<sha-256 of the email>`,
-- `sign_in_addr:<address>` or `sign_up_addr:<address>` (an IPv6 address by its /64). Rows
-- older than their limit's window are deleted as buckets are used, and all of them after
-- an hour.
CREATE TABLE limit_events (
    id              INTEGER PRIMARY KEY,
    bucket          TEXT NOT NULL CHECK (length(bucket) BETWEEN 1 AND 100),
    at_ms           INTEGER NOT NULL
);
CREATE INDEX limit_events_bucket ON limit_events (bucket, at_ms);
CREATE INDEX limit_events_at ON limit_events (at_ms);

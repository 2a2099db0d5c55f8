-- Quanzi schema v10: the store's staff run the catalogue and the communities (issue 14).
--
-- Products are listed and edited by owners in the console. An unpublished product is off
-- the shelf: its page and its preview still answer (links live on in chat histories) and
-- say so, but nobody can buy it. Its gallery and story pictures are uploads the owner
-- claimed for it (`uploads.product_id`), so the 24-hour sweep of abandoned uploads leaves
-- them alone, and editing a picture out removes its file.
ALTER TABLE products ADD COLUMN published INTEGER NOT NULL DEFAULT 1 CHECK (published IN (0, 1));
ALTER TABLE products ADD COLUMN updated_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE uploads ADD COLUMN product_id INTEGER REFERENCES products (id);
CREATE INDEX uploads_product ON uploads (product_id);
-- A community's cover, uploaded by the owner who created it.
ALTER TABLE uploads ADD COLUMN community_id INTEGER REFERENCES communities (id);

-- A member's report of a post or a comment, with their reason, for the moderators of its
-- community and the store's owners. A report goes with what it reports: when the post or
-- comment is deleted (by a moderator's decision or by its author), so is the report.
-- `decided_by` is never shown to the reporter.
CREATE TABLE reports (
    id              INTEGER PRIMARY KEY,
    reporter_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    post_id         INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    -- Set when a comment of the post is reported.
    comment_id      INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    reason          TEXT NOT NULL CHECK (reason IN ('spam', 'abuse', 'fraud', 'other')),
    state           TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'kept')),
    created_ms      INTEGER NOT NULL,
    decided_by      INTEGER REFERENCES members (id) ON DELETE SET NULL,
    decided_ms      INTEGER
);
-- A member reports a thing once; reporting it again changes nothing.
CREATE UNIQUE INDEX reports_once ON reports (reporter_id, post_id, coalesce(comment_id, 0));
CREATE INDEX reports_post ON reports (post_id);
CREATE INDEX reports_open ON reports (state, created_ms);

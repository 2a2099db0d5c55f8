-- PostgreSQL twin of ../0003_avatars.sql (same schema version).
-- Quanzi schema v3: members' own profile pictures.
--
-- A profile picture is an upload its owner claimed with `PUT /account/avatar`. `avatar = 1`
-- keeps the row (and so its file) out of the 24-hour sweep of abandoned uploads and out of
-- posts, and says which file to remove when the picture is replaced or removed. What pages
-- show is copied into `members.avatar_*` (v1), so showing an author needs no join.
ALTER TABLE uploads ADD COLUMN avatar BIGINT NOT NULL DEFAULT 0
    CHECK (avatar IN (0, 1) AND (avatar = 0 OR post_id IS NULL));
-- One profile picture per member.
CREATE UNIQUE INDEX uploads_avatar ON uploads (owner_id) WHERE avatar = 1;

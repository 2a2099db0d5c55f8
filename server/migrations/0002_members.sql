-- Quanzi schema v2: accounts and sessions, community memberships, member-written posts
-- with uploaded photos, likes and comments.
--
-- `posts.like_count` and `posts.comment_count` (v1) are from now on the *base* counts a
-- post arrived with (the demo store's figures); what members add lives in `post_likes` and
-- `comments`, and a post shows base + rows. The figures therefore cannot drift from the rows.
-- `communities.member_count` stays a stored figure (the demo's base); joining and leaving
-- move it in the same transaction as the `memberships` row.

-- Sign-in data, apart from the public `members` row. Emails are stored trimmed and
-- lowercased; the password only as an Argon2id PHC string.
CREATE TABLE accounts (
    member_id       INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    email           TEXT NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
    password_hash   TEXT NOT NULL CHECK (password_hash LIKE '$argon2%'),
    created_ms      INTEGER NOT NULL
);

-- Only the SHA-256 of a session token is kept: a copy of this table signs nobody in.
CREATE TABLE sessions (
    token_hash      BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
    member_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_ms      INTEGER NOT NULL,
    expires_ms      INTEGER NOT NULL,
    last_seen_ms    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_member ON sessions (member_id);
CREATE INDEX sessions_expires ON sessions (expires_ms);

CREATE TABLE memberships (
    community_id    INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    member_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('owner', 'moderator', 'member')),
    joined_ms       INTEGER NOT NULL,
    PRIMARY KEY (community_id, member_id)
) WITHOUT ROWID;
-- "My communities", and the faces (most recent joiners) of a community.
CREATE INDEX memberships_member ON memberships (member_id, joined_ms);
CREATE INDEX memberships_recent ON memberships (community_id, joined_ms DESC, member_id DESC);

-- A profile's list of posts.
CREATE INDEX posts_author_feed ON posts (author_id, created_ms DESC, id DESC);

-- Photos as uploaded (scaled and re-encoded): the file is `uploads/{name}` under the data
-- directory. `post_id` is NULL until a post publishes it; then a `post_images` row shows it.
CREATE TABLE uploads (
    id              INTEGER PRIMARY KEY,
    owner_id        INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    name            TEXT NOT NULL UNIQUE,
    width           INTEGER NOT NULL CHECK (width > 0),
    height          INTEGER NOT NULL CHECK (height > 0),
    created_ms      INTEGER NOT NULL,
    post_id         INTEGER REFERENCES posts (id)
);
CREATE INDEX uploads_owner ON uploads (owner_id, post_id);
CREATE INDEX uploads_post ON uploads (post_id);

CREATE TABLE post_likes (
    post_id         INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    member_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_ms      INTEGER NOT NULL,
    PRIMARY KEY (post_id, member_id)
) WITHOUT ROWID;

CREATE TABLE comments (
    id              INTEGER PRIMARY KEY,
    post_id         INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    body            TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 500),
    created_ms      INTEGER NOT NULL
);
-- A post's comments, oldest first, with (created_ms, id) as the keyset cursor.
CREATE INDEX comments_post ON comments (post_id, created_ms, id);

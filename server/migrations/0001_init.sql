-- Quanzi schema v1: members, communities, products and the posts that feature them.
-- Localised text lives in paired columns (zh/en). Posts keep their original text in
-- `title`/`body` and an optional English translation, because member-written posts will
-- only ever have the original. Images are stored inline (url, size, alt text) on the row
-- that shows them: every image belongs to exactly one thing, so no join is needed.
-- Times are unix milliseconds (UTC): sortable, and the feed cursor is built from them.

CREATE TABLE members (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    avatar_url      TEXT,
    avatar_width    INTEGER CHECK (avatar_width > 0),
    avatar_height   INTEGER CHECK (avatar_height > 0),
    avatar_alt_zh   TEXT,
    avatar_alt_en   TEXT,
    -- An avatar is all there or not there at all.
    CHECK ((avatar_url IS NULL) = (avatar_width IS NULL)
       AND (avatar_url IS NULL) = (avatar_height IS NULL)
       AND (avatar_url IS NULL) = (avatar_alt_zh IS NULL)
       AND (avatar_url IS NULL) = (avatar_alt_en IS NULL))
);

CREATE TABLE communities (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64),
    name_zh         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    description_zh  TEXT NOT NULL,
    description_en  TEXT NOT NULL,
    cover_url       TEXT NOT NULL,
    cover_width     INTEGER NOT NULL CHECK (cover_width > 0),
    cover_height    INTEGER NOT NULL CHECK (cover_height > 0),
    cover_alt_zh    TEXT NOT NULL,
    cover_alt_en    TEXT NOT NULL,
    member_count    INTEGER NOT NULL CHECK (member_count >= 0)
);

CREATE TABLE products (
    id              INTEGER PRIMARY KEY,
    community_id    INTEGER NOT NULL REFERENCES communities (id),
    title_zh        TEXT NOT NULL,
    title_en        TEXT NOT NULL,
    subtitle_zh     TEXT NOT NULL,
    subtitle_en     TEXT NOT NULL,
    currency        TEXT NOT NULL DEFAULT 'CNY' CHECK (length(currency) = 3),
    -- Prices in minor units (fen).
    solo_price      INTEGER NOT NULL CHECK (solo_price >= 0),
    group_price     INTEGER CHECK (group_price >= 0),
    group_size      INTEGER CHECK (group_size >= 2),
    window_hours    INTEGER CHECK (window_hours > 0),
    stock           INTEGER NOT NULL CHECK (stock >= 0),
    -- A group offer is all there or not there at all.
    CHECK ((group_price IS NULL) = (group_size IS NULL)
       AND (group_price IS NULL) = (window_hours IS NULL))
);
CREATE INDEX products_community ON products (community_id);

-- The gallery; position 0 is the product's card image.
CREATE TABLE product_images (
    product_id      INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL CHECK (position >= 0),
    url             TEXT NOT NULL,
    width           INTEGER NOT NULL CHECK (width > 0),
    height          INTEGER NOT NULL CHECK (height > 0),
    alt_zh          TEXT NOT NULL,
    alt_en          TEXT NOT NULL,
    PRIMARY KEY (product_id, position)
) WITHOUT ROWID;

-- The story that sells a product: paragraphs and pictures, in order.
CREATE TABLE product_story_blocks (
    product_id      INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL CHECK (position >= 0),
    kind            TEXT NOT NULL CHECK (kind IN ('text', 'image')),
    text_zh         TEXT,
    text_en         TEXT,
    image_url       TEXT,
    image_width     INTEGER CHECK (image_width > 0),
    image_height    INTEGER CHECK (image_height > 0),
    image_alt_zh    TEXT,
    image_alt_en    TEXT,
    PRIMARY KEY (product_id, position),
    CHECK (CASE kind
        WHEN 'text' THEN text_zh IS NOT NULL AND text_en IS NOT NULL AND image_url IS NULL
        ELSE image_url IS NOT NULL AND image_width IS NOT NULL AND image_height IS NOT NULL
             AND image_alt_zh IS NOT NULL AND image_alt_en IS NOT NULL AND text_zh IS NULL
    END)
) WITHOUT ROWID;

CREATE TABLE posts (
    id              INTEGER PRIMARY KEY,
    author_id       INTEGER NOT NULL REFERENCES members (id),
    community_id    INTEGER NOT NULL REFERENCES communities (id),
    created_ms      INTEGER NOT NULL CHECK (created_ms >= 0), -- the cursor has no sign
    -- The original text; `body` is a JSON array of plain-text paragraphs.
    title           TEXT NOT NULL,
    body            TEXT NOT NULL CHECK (json_valid(body) AND json_type(body) = 'array'),
    -- English translation, when there is one.
    title_en        TEXT,
    body_en         TEXT CHECK (body_en IS NULL OR (json_valid(body_en) AND json_type(body_en) = 'array')),
    like_count      INTEGER NOT NULL DEFAULT 0 CHECK (like_count >= 0),
    comment_count   INTEGER NOT NULL DEFAULT 0 CHECK (comment_count >= 0)
);
-- The feed walks these newest first, with (created_ms, id) as the keyset cursor.
CREATE INDEX posts_feed ON posts (created_ms DESC, id DESC);
CREATE INDEX posts_community_feed ON posts (community_id, created_ms DESC, id DESC);

CREATE TABLE post_images (
    post_id         INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL CHECK (position >= 0),
    url             TEXT NOT NULL,
    width           INTEGER NOT NULL CHECK (width > 0),
    height          INTEGER NOT NULL CHECK (height > 0),
    alt_zh          TEXT NOT NULL,
    alt_en          TEXT NOT NULL,
    PRIMARY KEY (post_id, position)
) WITHOUT ROWID;

-- Products embedded in a post, in the order the post shows them.
CREATE TABLE post_products (
    post_id         INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL CHECK (position >= 0),
    product_id      INTEGER NOT NULL REFERENCES products (id),
    PRIMARY KEY (post_id, position),
    UNIQUE (post_id, product_id)
) WITHOUT ROWID;
-- "Posts featuring this product", on the product page.
CREATE INDEX post_products_product ON post_products (product_id);

-- Quanzi schema v12: more ways to buy together (issue 16): pay-for-me links, flash sales,
-- lottery and new-member groups, notifications and the change feed that open pages follow.

-- What kind of group a product's offer opens, copied into each group when it opens: a
-- standard group, a lottery (`lottery_winners` of its members receive the product, the
-- others are refunded), or a group only members with no paid order may join (the leader
-- may be anyone). The server keeps `lottery_winners` set exactly for lotteries, and below
-- the group's size.
ALTER TABLE products ADD COLUMN group_kind TEXT NOT NULL DEFAULT 'standard'
    CHECK (group_kind IN ('standard', 'lottery', 'new_member'));
ALTER TABLE products ADD COLUMN lottery_winners INTEGER
    CHECK (lottery_winners IS NULL OR lottery_winners >= 1);

ALTER TABLE group_buys ADD COLUMN kind TEXT NOT NULL DEFAULT 'standard'
    CHECK (kind IN ('standard', 'lottery', 'new_member'));
ALTER TABLE group_buys ADD COLUMN lottery_winners INTEGER
    CHECK (lottery_winners IS NULL OR lottery_winners >= 1);
-- A lottery's draw is verifiable: its random seed (64 hex digits) is chosen when the group
-- opens and only its SHA-256 (`seed_hash`) is shown until the draw, which reveals the seed
-- (`drawn_ms`). The winners follow from the seed and the members' ids (`group_buy::lottery`).
ALTER TABLE group_buys ADD COLUMN seed TEXT CHECK (seed IS NULL OR length(seed) = 64);
ALTER TABLE group_buys ADD COLUMN seed_hash TEXT CHECK (seed_hash IS NULL OR length(seed_hash) = 64);
ALTER TABLE group_buys ADD COLUMN drawn_ms INTEGER;
-- A lottery's seat after the draw: 1 won, 0 not drawn (refunded).
ALTER TABLE group_seats ADD COLUMN won INTEGER CHECK (won IS NULL OR won IN (0, 1));

-- A flash sale (秒杀): a product at `price` from `starts_ms` until `ends_ms`, `quantity`
-- units at most, `per_member` units at most per member. A unit is taken with
-- `UPDATE ... SET taken = taken + n WHERE taken + n <= quantity`, backed by the CHECK, so a
-- sale never oversells; an unpaid order gives its units back when its hold runs out.
CREATE TABLE flash_sales (
    id              INTEGER PRIMARY KEY,
    product_id      INTEGER NOT NULL REFERENCES products (id),
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    price           INTEGER NOT NULL CHECK (price > 0),
    starts_ms       INTEGER NOT NULL,
    ends_ms         INTEGER NOT NULL CHECK (ends_ms > starts_ms),
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    taken           INTEGER NOT NULL DEFAULT 0 CHECK (taken BETWEEN 0 AND quantity),
    per_member      INTEGER NOT NULL CHECK (per_member >= 1),
    created_by      INTEGER REFERENCES members (id),
    created_ms      INTEGER NOT NULL,
    cancelled_ms    INTEGER,
    -- When every member who asked to be reminded had been told it started (or it ended
-- unannounced, after a pause): it leaves the sweep's index.
    announced_ms    INTEGER
);
CREATE INDEX flash_sales_product ON flash_sales (product_id, ends_ms);
CREATE INDEX flash_sales_unannounced ON flash_sales (starts_ms) WHERE announced_ms IS NULL;

-- Units of a sale each member's live orders hold: the per-member limit is a conditional
-- upsert on this row, so two orders of one member at once cannot both pass it.
CREATE TABLE flash_takes (
    sale_id         INTEGER NOT NULL REFERENCES flash_sales (id),
    member_id       INTEGER NOT NULL REFERENCES members (id),
    units           INTEGER NOT NULL CHECK (units >= 0),
    PRIMARY KEY (sale_id, member_id)
) WITHOUT ROWID;

-- "提醒我": who is told when a sale starts. Each is told once (`notified_ms`), in batches
-- that claim their rows, so no announcement holds the sale's own row while buyers take it.
CREATE TABLE flash_reminders (
    sale_id         INTEGER NOT NULL REFERENCES flash_sales (id),
    member_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_ms      INTEGER NOT NULL,
    notified_ms     INTEGER,
    PRIMARY KEY (sale_id, member_id)
) WITHOUT ROWID;

-- A flash order is a solo order of one product at the sale's price; `stock_held` covers
-- the sale's units too.
ALTER TABLE orders ADD COLUMN flash_sale_id INTEGER REFERENCES flash_sales (id);

-- "找人代付": a link (`/pay/{token}`) anyone may open to pay a member's unpaid order. At
-- most one open link per order; it lives as long as the order's hold.
CREATE TABLE pay_links (
    token           TEXT PRIMARY KEY CHECK (length(token) = 24),
    order_id        INTEGER NOT NULL REFERENCES orders (id),
    requester_id    INTEGER NOT NULL REFERENCES members (id),
    note            TEXT NOT NULL CHECK (length(note) <= 200),
    state           TEXT NOT NULL CHECK (state IN ('open', 'cancelled', 'paid')),
    created_ms      INTEGER NOT NULL,
    closed_ms       INTEGER CHECK ((state = 'open') = (closed_ms IS NULL))
);
CREATE UNIQUE INDEX pay_links_open ON pay_links (order_id) WHERE state = 'open';
-- The charge a friend made through a link: refunds of it go back to them (the provider
-- refunds the charge it took).
ALTER TABLE payments ADD COLUMN pay_link TEXT REFERENCES pay_links (token);

-- What a member is told happened while they were away (`/me/notifications`).
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    member_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('group_succeeded', 'group_failed',
                        'lottery_won', 'lottery_lost', 'refunded', 'paid_for_you',
                        'flash_sale_started', 'earning_settled', 'withdrawal_paid')),
    product_id      INTEGER REFERENCES products (id),
    order_id        INTEGER REFERENCES orders (id),
    group_id        INTEGER REFERENCES group_buys (id),
    amount          INTEGER,
    currency        TEXT CHECK ((amount IS NULL) = (currency IS NULL)),
    created_ms      INTEGER NOT NULL,
    read_ms         INTEGER
);
CREATE INDEX notifications_member ON notifications (member_id, id DESC);
CREATE INDEX notifications_unread ON notifications (member_id) WHERE read_ms IS NULL;

-- The change feed: one row per change an open page may want (an order's or a group's, a
-- new notification), written in the transaction that makes the change, read by every
-- server instance and sent to its event streams (`/api/v1/events`). Kept for an hour.
-- `member_id` NULL: anyone may know (a group's seats).
CREATE TABLE events (
    -- AUTOINCREMENT: an id is never used again, even after the feed was emptied, so a
    -- reader that has seen id n knows every later change has a larger one.
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id       INTEGER,
    kind            TEXT NOT NULL CHECK (kind IN ('notification', 'order', 'group')),
    subject_id      INTEGER NOT NULL,
    created_ms      INTEGER NOT NULL
);
CREATE INDEX events_created ON events (created_ms);

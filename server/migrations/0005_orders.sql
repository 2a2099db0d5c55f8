-- Quanzi schema v5: pickup points, carts, orders and their payments, group-buys and their
-- seats, and the idempotency keys that make order and payment writes safe to retry.
--
-- Stock lives in `products.stock` (v1) and is the stock still for sale: an order takes its
-- lines out of it when it is placed (`orders.stock_held = 1`) and gives them back when its
-- hold runs out, its payment is declined, or it is cancelled or refunded. Every take is a
-- conditional UPDATE (`... WHERE stock >= ?`) and the CHECK (stock >= 0) of v1 is the last
-- word, so stock never goes below zero.

CREATE TABLE pickup_points (
    id              INTEGER PRIMARY KEY,
    name_zh         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    address_zh      TEXT NOT NULL,
    address_en      TEXT NOT NULL,
    hours_zh        TEXT NOT NULL,
    hours_en        TEXT NOT NULL
);

-- A member's cart, priced when read (never a stored price: prices may change).
CREATE TABLE cart_items (
    member_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    product_id      INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    quantity        INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 20),
    added_ms        INTEGER NOT NULL,
    PRIMARY KEY (member_id, product_id)
) WITHOUT ROWID;

-- A group-buy exists once its leader has paid (an unpaid start makes no group). Its price
-- and size are copied from the product then, so a later change of offer changes no group.
CREATE TABLE group_buys (
    id              INTEGER PRIMARY KEY,
    product_id      INTEGER NOT NULL REFERENCES products (id),
    leader_id       INTEGER NOT NULL REFERENCES members (id),
    size            INTEGER NOT NULL CHECK (size >= 2),
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    price           INTEGER NOT NULL CHECK (price >= 0),
    state           TEXT NOT NULL CHECK (state IN ('open', 'succeeded', 'failed')),
    -- Seats paid or held. A seat is taken with `UPDATE ... SET seats_taken = seats_taken + 1
    -- WHERE seats_taken < size`, and this CHECK backs it: a group never overfills.
    seats_taken     INTEGER NOT NULL CHECK (seats_taken BETWEEN 0 AND size),
    created_ms      INTEGER NOT NULL,
    deadline_ms     INTEGER NOT NULL CHECK (deadline_ms > created_ms),
    closed_ms       INTEGER CHECK ((state = 'open') = (closed_ms IS NULL))
);
-- A product's open groups, soonest deadline first; and the expiry sweep's due groups.
CREATE INDEX group_buys_product_open ON group_buys (product_id, deadline_ms, id)
    WHERE state = 'open';
CREATE INDEX group_buys_due ON group_buys (deadline_ms) WHERE state = 'open';

CREATE TABLE orders (
    id              INTEGER PRIMARY KEY,
    member_id       INTEGER NOT NULL REFERENCES members (id),
    kind            TEXT NOT NULL CHECK (kind IN ('solo', 'start_group', 'join_group')),
    status          TEXT NOT NULL CHECK (status IN ('pending_payment', 'paid', 'awaiting_group',
                        'ready_for_pickup', 'shipping', 'completed', 'cancelled', 'refunded')),
    payment         TEXT NOT NULL CHECK (payment IN ('unpaid', 'processing', 'declined',
                        'approved', 'refunded')),
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    total           INTEGER NOT NULL CHECK (total >= 0),
    fulfilment      TEXT NOT NULL CHECK (fulfilment IN ('delivery', 'pickup')),
    delivery_name   TEXT,
    delivery_phone  TEXT,
    delivery_address TEXT,
    pickup_point_id INTEGER REFERENCES pickup_points (id),
    -- The group the order starts (once paid) or takes a seat in (from the start).
    group_id        INTEGER REFERENCES group_buys (id),
    -- 1 while the order's lines are out of stock on its account.
    stock_held      INTEGER NOT NULL CHECK (stock_held IN (0, 1)),
    -- Until when an unpaid order's stock (and seat) wait for its payment.
    hold_until_ms   INTEGER,
    -- Who is credited with the order in the referral dashboard; never the buyer.
    referrer_id     INTEGER REFERENCES members (id) ON DELETE SET NULL
                        CHECK (referrer_id IS NULL OR referrer_id <> member_id),
    -- What happened, as a code the reader's language turns into words (see order.rs).
    note            TEXT,
    created_ms      INTEGER NOT NULL CHECK (created_ms >= 0),
    paid_ms         INTEGER,
    CHECK (CASE fulfilment
        WHEN 'delivery' THEN delivery_name IS NOT NULL AND delivery_phone IS NOT NULL
             AND delivery_address IS NOT NULL AND pickup_point_id IS NULL
        ELSE pickup_point_id IS NOT NULL AND delivery_name IS NULL
             AND delivery_phone IS NULL AND delivery_address IS NULL
    END),
    CHECK (kind <> 'join_group' OR group_id IS NOT NULL),
    CHECK (payment NOT IN ('approved', 'refunded') OR paid_ms IS NOT NULL)
);
-- A member's orders newest first, with (created_ms, id) as the keyset cursor.
CREATE INDEX orders_member ON orders (member_id, created_ms DESC, id DESC);
CREATE INDEX orders_group ON orders (group_id) WHERE group_id IS NOT NULL;
-- A referrer's paid orders per day, for the referral dashboard.
CREATE INDEX orders_referrer ON orders (referrer_id, paid_ms) WHERE referrer_id IS NOT NULL;
-- The expiry sweep's due holds.
CREATE INDEX orders_hold ON orders (hold_until_ms) WHERE hold_until_ms IS NOT NULL;

CREATE TABLE order_lines (
    order_id        INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL CHECK (position >= 0),
    product_id      INTEGER NOT NULL REFERENCES products (id),
    quantity        INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 20),
    -- The price each was bought at, in the order's currency (the group price in a group).
    unit_price      INTEGER NOT NULL CHECK (unit_price >= 0),
    PRIMARY KEY (order_id, position),
    UNIQUE (order_id, product_id)
) WITHOUT ROWID;

-- A seat in a group: held by an unpaid order (until the order's hold runs out), or paid.
-- A released hold deletes its row; paid seats stay, also in a failed group (its history).
CREATE TABLE group_seats (
    group_id        INTEGER NOT NULL REFERENCES group_buys (id),
    member_id       INTEGER NOT NULL REFERENCES members (id),
    order_id        INTEGER NOT NULL UNIQUE REFERENCES orders (id),
    state           TEXT NOT NULL CHECK (state IN ('held', 'paid')),
    taken_ms        INTEGER NOT NULL,
    paid_ms         INTEGER CHECK ((state = 'paid') = (paid_ms IS NOT NULL)),
    -- One seat per member and group: the leader's is theirs from the start.
    PRIMARY KEY (group_id, member_id)
) WITHOUT ROWID;

-- Each try at paying an order, as the payment provider answered it. `refunding` is the
-- outbox of refunds: the order already says refunded, and the provider is (re)asked until
-- it confirms, so a crash between the two never loses a refund.
CREATE TABLE payments (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL REFERENCES orders (id),
    provider        TEXT NOT NULL,
    -- The provider's id of the charge, once it has answered.
    reference       TEXT,
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    amount          INTEGER NOT NULL CHECK (amount >= 0),
    state           TEXT NOT NULL CHECK (state IN ('processing', 'declined', 'approved',
                        'refunding', 'refunded')),
    -- When to ask the provider again about a charge it has not decided yet.
    poll_ms         INTEGER,
    created_ms      INTEGER NOT NULL,
    answered_ms     INTEGER,
    refunded_ms     INTEGER
);
CREATE INDEX payments_order ON payments (order_id);
CREATE INDEX payments_open ON payments (state, poll_ms) WHERE state IN ('processing', 'refunding');

-- `Idempotency-Key`s, per member: the request's fingerprint and, once answered, the answer
-- (status and JSON body) a retry gets back. `status` is NULL while the first request is
-- still at work (a payment waiting on its provider). Kept for a day.
CREATE TABLE idempotency_keys (
    member_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    idem_key        TEXT NOT NULL CHECK (length(idem_key) BETWEEN 1 AND 200),
    fingerprint     BLOB NOT NULL CHECK (length(fingerprint) = 32),
    status          INTEGER CHECK (status IS NULL OR status BETWEEN 200 AND 599),
    body            TEXT CHECK ((status IS NULL) = (body IS NULL)),
    created_ms      INTEGER NOT NULL,
    PRIMARY KEY (member_id, idem_key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_ms);

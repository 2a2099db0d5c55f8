-- Quanzi schema v11: sharers earn (issue 15). A member whose link brings a paid order earns
-- a commission on it: one level only, never on their own purchases, never on others'
-- earnings. Amounts are integer minor units, like every price.
--
-- The rule: a product's own rate (basis points, 0 to 50 %) or fixed amount per unit, else
-- the store's default rate. An order fixes its commission when it is placed
-- (`orders.commission`), so what a sharer was shown is what they earn, whatever the rule
-- becomes later.
CREATE TABLE store_settings (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    commission_bps  INTEGER NOT NULL CHECK (commission_bps BETWEEN 0 AND 5000)
);
INSERT INTO store_settings (id, commission_bps) VALUES (1, 500);

ALTER TABLE products ADD COLUMN commission_bps INTEGER
    CHECK (commission_bps IS NULL OR commission_bps BETWEEN 0 AND 5000);
-- At most the product's lowest price (checked by the server, and capped per unit when an
-- order is placed).
ALTER TABLE products ADD COLUMN commission_fixed INTEGER
    CHECK (commission_fixed IS NULL OR commission_fixed >= 0);
ALTER TABLE orders ADD COLUMN commission INTEGER CHECK (commission IS NULL OR commission >= 0);

-- What a member earns, one row per order (`commission`), and a negative `adjustment` when
-- an order is refunded after its commission settled. A commission is `pending` from the
-- moment the goods are due (a solo order paid, a group filled) until the order has
-- completed and its return window passed (`settled`); refunded before that, `cancelled`.
CREATE TABLE earnings (
    id              INTEGER PRIMARY KEY,
    member_id       INTEGER NOT NULL REFERENCES members (id),
    order_id        INTEGER NOT NULL REFERENCES orders (id),
    kind            TEXT NOT NULL CHECK (kind IN ('commission', 'adjustment')),
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    amount          INTEGER NOT NULL CHECK (CASE kind WHEN 'commission' THEN amount > 0
                                            ELSE amount < 0 END),
    state           TEXT NOT NULL CHECK (state IN ('pending', 'settled', 'cancelled')),
    created_ms      INTEGER NOT NULL,
    settled_ms      INTEGER CHECK ((state = 'settled') = (settled_ms IS NOT NULL)),
    cancelled_ms    INTEGER CHECK ((state = 'cancelled') = (cancelled_ms IS NOT NULL)),
    -- One commission per order and one adjustment: a second of either is a bug refused here.
    UNIQUE (order_id, kind)
);
-- A member's earnings newest first, (created_ms, id) the keyset cursor.
CREATE INDEX earnings_member ON earnings (member_id, created_ms DESC, id DESC);
-- The settlement sweep's candidates.
CREATE INDEX earnings_pending ON earnings (order_id) WHERE state = 'pending';

-- A member's request to be paid what they have earned. The amount leaves what is available
-- the moment it is asked for (`requested`); the owner refuses it (`refused`: it is
-- available again) or approves it (`paying`), and the payout provider pays it (`paid`) or
-- declines it (`declined`: available again). `payout_test` is how the test provider is
-- asked to answer, kept so that asking it again answers the same.
CREATE TABLE withdrawals (
    id              INTEGER PRIMARY KEY,
    member_id       INTEGER NOT NULL REFERENCES members (id),
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    amount          INTEGER NOT NULL CHECK (amount > 0),
    state           TEXT NOT NULL CHECK (state IN ('requested', 'refused', 'paying', 'paid',
                        'declined')),
    created_ms      INTEGER NOT NULL,
    decided_by      INTEGER REFERENCES members (id),
    decided_ms      INTEGER CHECK ((state = 'requested') = (decided_ms IS NULL)),
    reason          TEXT CHECK (reason IS NULL OR length(reason) <= 400),
    payout_test     TEXT CHECK (payout_test IS NULL OR payout_test IN ('approve', 'decline')),
    payout_reference TEXT,
    -- When a payout was last handed to the provider: one taken but never answered (a crash)
    -- is asked again by the sweep after a while, under the withdrawal's id.
    payout_claim_ms INTEGER,
    paid_ms         INTEGER CHECK ((state = 'paid') = (paid_ms IS NOT NULL))
);
CREATE INDEX withdrawals_member ON withdrawals (member_id, created_ms DESC, id DESC);
CREATE INDEX withdrawals_open ON withdrawals (state, created_ms) WHERE state IN ('requested', 'paying');

-- The products a member features in their shop (`/s/{code}`), in the order they added them.
CREATE TABLE shop_products (
    member_id       INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    product_id      INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    added_ms        INTEGER NOT NULL,
    PRIMARY KEY (member_id, product_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX shop_products_position ON shop_products (member_id, position);

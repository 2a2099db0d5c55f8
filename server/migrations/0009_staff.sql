-- Quanzi schema v9: the shop behind the storefront (issue 14). Store staff and their roles,
-- the audit log of what they do, and an order's life after it is paid: handed over at a
-- pickup point with a code, or shipped with a tracking number and received; refunded by
-- the owner with a reason.
--
-- A paid order is `paid` until staff move it on: a pickup order to `ready_for_pickup` (the
-- goods are at the point and the shopper gets a 6-digit code), a delivery order to
-- `shipping` (carrier and tracking number). Either ends `completed`: the code handed over
-- at its point, receipt confirmed by the shopper, or `--auto-complete-days` after shipping.

-- A member who is also store staff: `owner` (everything, manages staff) or `clerk` (hands
-- over at its pickup points, reads orders).
CREATE TABLE staff (
    member_id       INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('owner', 'clerk')),
    added_ms        INTEGER NOT NULL
);

-- The pickup points a clerk serves.
CREATE TABLE staff_points (
    member_id       INTEGER NOT NULL REFERENCES staff (member_id) ON DELETE CASCADE,
    point_id        INTEGER NOT NULL REFERENCES pickup_points (id),
    PRIMARY KEY (member_id, point_id)
) WITHOUT ROWID;

-- Every staff write, in the transaction that makes it: who, what, on what, and the
-- subject's state before and after (JSON text). Never updated or deleted.
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    staff_id        INTEGER NOT NULL REFERENCES members (id),
    action          TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 40),
    subject         TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 60),
    before_state    TEXT,
    after_state     TEXT,
    at_ms           INTEGER NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at_ms DESC, id DESC);

-- Wrong pickup codes typed at a point: too many in a while pause hand-over by code there.
CREATE TABLE handover_failures (
    id              INTEGER PRIMARY KEY,
    point_id        INTEGER NOT NULL REFERENCES pickup_points (id),
    at_ms           INTEGER NOT NULL
);
CREATE INDEX handover_failures_point ON handover_failures (point_id, at_ms);

ALTER TABLE orders ADD COLUMN carrier TEXT;
ALTER TABLE orders ADD COLUMN tracking_number TEXT;
ALTER TABLE orders ADD COLUMN shipped_ms INTEGER;
-- When a shipped order completes by itself if its shopper has not confirmed receipt.
ALTER TABLE orders ADD COLUMN auto_complete_ms INTEGER;
ALTER TABLE orders ADD COLUMN completed_ms INTEGER;
-- Six digits, given when the order is ready at its point; kept after the hand-over, so a
-- code typed again reads "already used".
ALTER TABLE orders ADD COLUMN pickup_code TEXT CHECK (pickup_code IS NULL OR length(pickup_code) = 6);
-- The owner's words to the shopper when refunding.
ALTER TABLE orders ADD COLUMN refund_reason TEXT;
-- No two orders waiting at pickup points share a code: a code names one order.
CREATE UNIQUE INDEX orders_ready_code ON orders (pickup_code) WHERE status = 'ready_for_pickup';
CREATE INDEX orders_code ON orders (pickup_code) WHERE pickup_code IS NOT NULL;
-- The staff console's lists by status, and the sweep's shipped orders.
CREATE INDEX orders_status ON orders (status, created_ms DESC, id DESC);
CREATE INDEX orders_auto_complete ON orders (auto_complete_ms) WHERE status = 'shipping';

-- Before v9 a paid order was marked `ready_for_pickup` or `shipping` the moment it was
-- paid (or its group filled), though nothing had been readied or shipped: those orders now
-- wait as `paid`, for the store to move them on.
UPDATE orders SET status = 'paid' WHERE status IN ('ready_for_pickup', 'shipping');

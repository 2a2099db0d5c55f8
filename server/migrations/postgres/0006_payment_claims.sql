-- PostgreSQL twin of ../0006_payment_claims.sql (same schema version; the backfill is the same SQL).
-- Quanzi schema v6: refunds are claimed before they are sent, and declined orders expire.
--
-- `refund_claim_ms` is set, in one conditional UPDATE, by the sweep that is about to send a
-- `refunding` payment's refund to the provider; no other sweep sends it until the claim is
-- a minute old (the claimant crashed, or the provider failed: then it is sent again, with
-- the payment's id as the provider's idempotency key, so it is still made once).
ALTER TABLE payments ADD COLUMN refund_claim_ms BIGINT;

-- A declined order waits for another try until `hold_until_ms` and is then cancelled.
-- Orders declined before this version had none: they get one from their last answer.
UPDATE orders
SET hold_until_ms = coalesce(
        (SELECT max(answered_ms) FROM payments p WHERE p.order_id = orders.id),
        created_ms) + 120000
WHERE status = 'pending_payment' AND payment = 'declined' AND hold_until_ms IS NULL;

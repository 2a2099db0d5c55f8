-- Quanzi schema v8: what checkout asks for since issue 18.
--
-- An order's delivery fee, part of its total (the rule is the api crate's `delivery_fee`);
-- 0 for every order placed before, which paid none. A pickup order's contact (name and
-- mainland mobile), told when the parcel is ready; orders picked up before have none.
ALTER TABLE orders ADD COLUMN delivery_fee INTEGER NOT NULL DEFAULT 0 CHECK (delivery_fee >= 0);
ALTER TABLE orders ADD COLUMN contact_name TEXT;
ALTER TABLE orders ADD COLUMN contact_phone TEXT;
-- A product's units sold and groups formed are counted on its page.
CREATE INDEX order_lines_product ON order_lines (product_id);
CREATE INDEX group_buys_product ON group_buys (product_id, state);

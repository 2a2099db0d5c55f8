-- PostgreSQL twin of ../0004_referrals.sql (same schema version).
-- Quanzi schema v4: referral codes, who referred whom, and the visits share links bring.
--
-- Every member gets a code of 8 Crockford base32 digits (no I, L, O, U), drawn from a
-- CSPRNG by the server: at sign-up, and at startup for members who have none yet (the demo
-- members, and anyone from a database older than this). The column is not NOT NULL
-- because ALTER TABLE cannot draw the codes; the server never leaves it empty for long.
-- SQLite's `NOT GLOB '*[^0-9A-HJKMNP-TV-Z]*'` is the (case-sensitive) regex `!~` below.
ALTER TABLE members ADD COLUMN referral_code TEXT
    CHECK (referral_code IS NULL
        OR (length(referral_code) = 8 AND referral_code !~ '[^0-9A-HJKMNP-TV-Z]'));
CREATE UNIQUE INDEX members_referral_code ON members (referral_code);

-- The member whose code a member signed up with, and when (unix ms, UTC). A member never
-- refers themself; a referrer who is deleted leaves the member unreferred.
ALTER TABLE members ADD COLUMN referred_by BIGINT REFERENCES members (id) ON DELETE SET NULL
    CHECK (referred_by IS NULL OR referred_by <> id);
ALTER TABLE members ADD COLUMN referred_ms BIGINT
    CHECK (referred_by IS NULL OR referred_ms IS NOT NULL);
-- A referrer's sign-ups, per day.
CREATE INDEX members_referred_by ON members (referred_by, referred_ms) WHERE referred_by IS NOT NULL;

-- One row per referrer, visitor and UTC day: the visitor is the random id of a first-party
-- cookie, the day counts days since 1970-01-01. Reloading the page, or coming back the
-- same day, inserts nothing new, so visits cannot be inflated by reloads.
CREATE TABLE referral_visits (
    referrer_id     BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    day             BIGINT NOT NULL CHECK (day >= 0),
    visitor         TEXT NOT NULL CHECK (length(visitor) BETWEEN 1 AND 64),
    created_ms      BIGINT NOT NULL,
    PRIMARY KEY (referrer_id, day, visitor)
);

//! The server's integration tests, one binary with a module per capability: two cores link
//! it once instead of once per file. Each test runs a server on a real database of its own:
//! a SQLite file in a temp dir, or a PostgreSQL database (see `common`).

mod account;
mod avatar;
mod cli;
mod comment;
mod common;
mod crash;
mod earnings;
mod first_data;
mod flash_sale;
mod group_buy;
mod group_kinds;
mod instances;
mod like;
mod listener;
mod membership;
mod moderation;
mod notifications;
mod openapi;
mod orders;
mod origin;
mod pay_link;
mod payments;
mod post;
mod preview;
mod public_reads;
mod ratelimit;
mod recommendation;
mod referral;
mod schema;
mod shop;
mod staff;
mod staff_products;
mod upload;
mod variant;
mod web;

//! The plumbing every capability stands on and none of them owns: the error envelope, body
//! and path extractors, the Origin check, forwarded addresses, rate limits, the request's
//! language, serving the OpenAPI document, the middleware around every response, and the
//! listening socket's options.

pub mod body;
pub mod error;
pub mod forwarded;
pub mod lang;
pub mod listener;
pub mod middleware;
pub mod openapi;
pub mod origin;
pub mod params;
pub mod ratelimit;

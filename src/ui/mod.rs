//! Small primitives: prices, pictures, avatars, QR codes, times, page states, form errors,
//! the head, lazy chunks.

pub mod avatar;
pub mod countdown;
pub mod form;
pub mod gallery;
pub mod head;
pub mod image;
pub mod lazy;
pub mod price;
pub mod qr;
pub mod remote;
pub mod states;
pub mod time;

//! Small primitives: prices, pictures, avatars, times, page states, form errors, the head,
//! lazy chunks.

pub mod avatar;
pub mod countdown;
pub mod form;
pub mod gallery;
pub mod head;
pub mod image;
pub mod lazy;
pub mod price;
pub mod remote;
pub mod states;
pub mod time;

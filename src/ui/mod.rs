//! Small shared components: prices, pictures, avatars, times, page states, the head.

pub mod avatar;
pub mod countdown;
pub mod gallery;
pub mod head;
pub mod image;
pub mod lazy;
pub mod price;
pub mod remote;
pub mod states;
pub mod time;

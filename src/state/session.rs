//! Who is signed in. The session itself is an HttpOnly cookie the app never sees; it only
//! asks the server who it is. Actions that need a member send a guest to sign in and back.

use leptos::prelude::*;
use quanzi_api::{href_with, Me, Route};

use crate::client::get_json;
use crate::i18n::use_i18n;
use crate::state::router::Nav;
use crate::task::spawn;

/// The signed-in member, if any. `checked` turns true once the server has answered, so
/// pages can tell "guest" from "not known yet".
#[derive(Clone, Copy)]
pub struct Session {
    pub me: RwSignal<Option<Me>>,
    pub checked: RwSignal<bool>,
}

pub fn provide_session() -> Session {
    let session = Session {
        me: RwSignal::new(None),
        checked: RwSignal::new(false),
    };
    provide_context(session);
    let lang = use_i18n().lang.get_untracked();
    spawn(async move {
        // 204 (no member) is a guest; a failure is treated as a guest too, and the next
        // action that needs a member will ask them to sign in.
        session.me.set(
            get_json::<Option<Me>>("/account/me", lang)
                .await
                .ok()
                .flatten(),
        );
        session.checked.set(true);
    });
    session
}

pub fn use_session() -> Session {
    expect_context()
}

/// Gate for an action that needs a member: `true` when signed in. A guest is sent to sign
/// in and back to this very page (query included, so a `?ref=` survives); before the
/// server has said who this is, the tap does nothing rather than misjudge a member.
pub fn require_member(session: Session, nav: Nav) -> bool {
    if !session.checked.get_untracked() {
        return false;
    }
    if session.me.get_untracked().is_some() {
        return true;
    }
    nav.go(&sign_in_href(&nav.href()));
    false
}

/// The sign-in page that comes back to `next` afterwards.
pub fn sign_in_href(next: &str) -> String {
    href_with(Route::SignIn, &[("next", next)])
}

//! Forms: what to tell a person whose form the server refused (one sentence per stable
//! error code, shared by every form), and fields checked as they are filled in.

use leptos::prelude::*;
use quanzi_api::ErrorCode;

use crate::client::ClientError;
use crate::i18n::Strings;

pub fn form_error(t: &'static Strings, error: &ClientError) -> &'static str {
    match error.code() {
        Some(ErrorCode::InvalidCredentials) => t.error_credentials,
        Some(ErrorCode::EmailTaken) => t.error_email_taken,
        Some(ErrorCode::BadName) => t.error_name,
        Some(ErrorCode::BadEmail) => t.error_email,
        Some(ErrorCode::WeakPassword) => t.error_password,
        Some(ErrorCode::RateLimited) => t.error_rate_limited,
        Some(ErrorCode::EmptyText) => t.error_empty,
        Some(ErrorCode::TextTooLong) => t.error_too_long,
        Some(ErrorCode::Unauthenticated) => t.error_signed_out,
        Some(ErrorCode::Forbidden | ErrorCode::NotAMember) => t.error_forbidden,
        Some(ErrorCode::TooManyImages) => t.error_too_many_images,
        Some(ErrorCode::BadUpload) => t.error_photo_failed,
        _ => match error {
            ClientError::Network => t.error_network,
            ClientError::Timeout => t.error_timeout,
            _ => t.error_server,
        },
    }
}

/// What a refused purchase says. Placing an order, paying it and paying a friend's link
/// meet the same stock, group and flash-sale rules (a declined try is checked again), so
/// each page tells the same refusal in the same words.
pub fn purchase_error(t: &'static Strings, error: &ClientError) -> &'static str {
    use ErrorCode::*;
    match error.code() {
        Some(OutOfStock) => t.error_out_of_stock,
        Some(OffShelf) => t.error_off_shelf,
        Some(GroupFull) => t.error_group_full,
        Some(GroupExpired | GroupClosed) => t.error_group_closed,
        Some(AlreadyInGroup) => t.error_already_in_group,
        Some(NewMembersOnly) => t.error_new_members_only,
        Some(FlashSaleNotStarted) => t.error_flash_not_started,
        Some(FlashSaleEnded) => t.error_flash_ended,
        Some(FlashSaleSoldOut) => t.error_flash_sold_out,
        Some(FlashSaleLimit) => t.error_flash_limit,
        Some(PaymentDeclined) => t.error_payment_declined,
        Some(HoldExpired) => t.error_hold_expired,
        Some(NotPayable) => t.error_not_payable,
        _ => form_error(t, error),
    }
}

/// A form field checked by the api crate's rule as the person leaves it and again on
/// submit, its message under it (and named by `aria-describedby`) while it is wrong.
#[derive(Clone, Copy)]
pub struct Field {
    /// The element's id; its message's is `{id}-error`.
    pub id: &'static str,
    pub value: RwSignal<String>,
    pub invalid: RwSignal<bool>,
    check: fn(&str) -> bool,
    message: fn(&'static Strings) -> &'static str,
}

impl Field {
    pub fn new(
        id: &'static str,
        check: fn(&str) -> bool,
        message: fn(&'static Strings) -> &'static str,
    ) -> Field {
        Field {
            id,
            value: RwSignal::new(String::new()),
            invalid: RwSignal::new(false),
            check,
            message,
        }
    }

    /// Checks the value now; whether it passes.
    pub fn validate(&self) -> bool {
        let ok = (self.check)(&self.value.get_untracked());
        self.invalid.set(!ok);
        ok
    }

    /// The trimmed value, for the request.
    pub fn text(&self) -> String {
        self.value.get_untracked().trim().to_owned()
    }
}

/// Checks every field (each shows its own message) and moves focus to the first that
/// fails; whether all passed.
pub fn validate_all(fields: &[Field]) -> bool {
    let results: Vec<bool> = fields.iter().map(Field::validate).collect();
    match fields.iter().zip(&results).find(|(_, ok)| !**ok) {
        Some((field, _)) => {
            focus_element(field.id);
            false
        }
        None => true,
    }
}

/// Focuses the element with this id, if there is one.
pub fn focus_element(id: &str) {
    use wasm_bindgen::JsCast;
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// A labelled text input (or a textarea, `rows` > 1) for a [`Field`]: checked on leaving
/// it, and as it is typed once it has been found wrong, so the message goes as soon as the
/// value is right.
#[component]
pub fn TextField(
    field: Field,
    label: fn(&'static Strings) -> &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    maxlength: usize,
    #[prop(default = 1)] rows: u8,
) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    let error_id = format!("{}-error", field.id);
    let described = error_id.clone();
    let on_input = move |ev| {
        field.value.set(event_target_value(&ev));
        if field.invalid.get_untracked() {
            field.validate();
        }
    };
    let control = if rows > 1 {
        view! {
            <textarea
                id=field.id
                rows=rows
                autocomplete=autocomplete
                maxlength=maxlength
                aria-invalid=move || field.invalid.get().to_string()
                aria-describedby=move || field.invalid.get().then(|| described.clone())
                prop:value=field.value
                on:input=on_input
                on:blur=move |_| {
                    field.validate();
                }
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=field.id
                type=kind
                autocomplete=autocomplete
                maxlength=maxlength
                aria-invalid=move || field.invalid.get().to_string()
                aria-describedby=move || field.invalid.get().then(|| described.clone())
                prop:value=field.value
                on:input=on_input
                on:blur=move |_| {
                    field.validate();
                }
            />
        }
        .into_any()
    };
    view! {
        <div class="field" class:field-invalid=move || field.invalid.get()>
            <label for=field.id>{move || label(i18n.t())}</label>
            {control}
            {move || {
                field
                    .invalid
                    .get()
                    .then(|| {
                        view! {
                            <p class="field-error" id=error_id.clone()>
                                {move || (field.message)(i18n.t())}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

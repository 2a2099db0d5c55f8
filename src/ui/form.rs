//! What to tell a person whose form the server refused: one sentence per stable error
//! code, shared by every form.

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

//! QR codes as pictures: a share link to screenshot into a chat, a pickup code to show at
//! the counter.

use qrcode::render::svg;
use qrcode::QrCode;

/// A QR code of `text` as an SVG image (a data URL, so it can be saved like a photo).
pub fn qr_image(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    let base64 = web_sys::window()?.btoa(&svg).ok()?;
    Some(format!("data:image/svg+xml;base64,{base64}"))
}

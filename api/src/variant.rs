//! Pictures sized for phones: beside each of the server's own JPEGs (`/img/…` and
//! `/media/…`) the server keeps WebP copies 400 and 800 px wide, under the names
//! [`variant_url`] gives. The server writes them under these names and the app lists them
//! in `srcset`: this is the one place the naming lives.

use crate::Image;

/// The widths copies are made at: a phone's column at about 1× and 2× (the layout is at
/// most 720 px wide). No copy is wider than its picture.
pub const VARIANT_WIDTHS: [u32; 2] = [400, 800];

/// `sizes` for a picture as wide as the page's column (galleries, covers, stories): the
/// whole screen on a phone, the 720 px column less its padding on wider screens.
pub const COLUMN_SIZES: &str = "(min-width: 768px) 696px, 100vw";

/// `sizes` for a product card's thumbnail (72 px square in every layout).
pub const CARD_SIZES: &str = "72px";

/// The URL of `url`'s copy `width` px wide: `/img/posts/1-1.jpg` → `/img/posts/1-1.400w.webp`.
/// `None` for pictures that are not the server's own JPEGs (another site's, an icon).
pub fn variant_url(url: &str, width: u32) -> Option<String> {
    let stem = url.strip_suffix(".jpg")?;
    (stem.starts_with("/img/") || stem.starts_with("/media/"))
        .then(|| format!("{stem}.{width}w.webp"))
}

/// The widths of the copies a picture `width` px wide has.
pub fn variant_widths(width: u32) -> impl Iterator<Item = u32> {
    VARIANT_WIDTHS.into_iter().filter(move |w| *w <= width)
}

/// The picture a copy was made from, and the copy's width: [`variant_url`] backwards.
pub fn variant_source(url: &str) -> Option<(String, u32)> {
    let (stem, width) = url.strip_suffix("w.webp")?.rsplit_once('.')?;
    let width = width.parse().ok().filter(|w| VARIANT_WIDTHS.contains(w))?;
    let source = format!("{stem}.jpg");
    (variant_url(&source, width).as_deref() == Some(url)).then_some((source, width))
}

/// `srcset` for a picture: its copies, then the original where it is wider than they are.
/// `None` when it has none (another site's picture, one narrower than 400 px).
pub fn srcset(image: &Image) -> Option<String> {
    let mut set = String::new();
    let mut widest = 0;
    for width in variant_widths(image.width) {
        let url = variant_url(&image.url, width)?;
        set += &format!("{url} {width}w, ");
        widest = width;
    }
    if widest == 0 {
        return None;
    }
    if image.width > widest {
        set += &format!("{} {}w", image.url, image.width);
    }
    Some(set.trim_end_matches(", ").to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(url: &str, width: u32) -> Image {
        Image {
            url: url.to_owned(),
            width,
            height: width,
            alt: String::new(),
        }
    }

    #[test]
    fn copies_are_named_beside_their_picture() {
        assert_eq!(
            variant_url("/img/posts/1-1.jpg", 400).as_deref(),
            Some("/img/posts/1-1.400w.webp")
        );
        let upload = format!("/media/{}.jpg", "a1".repeat(20));
        let copy = variant_url(&upload, 800).expect("a copy");
        assert_eq!(copy, format!("/media/{}.800w.webp", "a1".repeat(20)));
        for other in [
            "https://cdn.example/a.jpg",
            "/icons/icon.svg",
            "/img/a.png",
            "/og/p/1.jpg",
        ] {
            assert_eq!(variant_url(other, 400), None, "{other}");
        }
    }

    #[test]
    fn a_copy_leads_back_to_its_picture() {
        for url in ["/img/posts/1-1.jpg", "/img/a.b.jpg", "/media/abc.jpg"] {
            for width in VARIANT_WIDTHS {
                let copy = variant_url(url, width).expect("a copy");
                assert_eq!(variant_source(&copy), Some((url.to_owned(), width)));
            }
        }
        for not_a_copy in [
            "/img/posts/1-1.jpg",
            "/img/posts/1-1.300w.webp",
            "/img/posts/1-1.webp",
            "/img/posts/1-1.0400w.webp",
            "/elsewhere/1-1.400w.webp",
            "/img/posts/1-1.+400w.webp",
        ] {
            assert_eq!(variant_source(not_a_copy), None, "{not_a_copy}");
        }
    }

    #[test]
    fn srcset_lists_the_copies_and_a_wider_original() {
        assert_eq!(
            srcset(&image("/media/p.jpg", 1600)).as_deref(),
            Some("/media/p.400w.webp 400w, /media/p.800w.webp 800w, /media/p.jpg 1600w")
        );
        // The demo's pictures are 800 px: the 800 px copy stands in for the original.
        assert_eq!(
            srcset(&image("/img/p.jpg", 800)).as_deref(),
            Some("/img/p.400w.webp 400w, /img/p.800w.webp 800w")
        );
        assert_eq!(
            srcset(&image("/img/p.jpg", 600)).as_deref(),
            Some("/img/p.400w.webp 400w, /img/p.jpg 600w")
        );
        assert_eq!(srcset(&image("/img/avatar.jpg", 128)), None);
        assert_eq!(srcset(&image("https://cdn.example/p.jpg", 1600)), None);
    }
}

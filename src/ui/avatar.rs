//! A member's face: their picture, or their initial on a colour of their own.

use leptos::prelude::*;
use quanzi_api::variant::srcset;
use quanzi_api::Author;

/// The first character of a name, for members without a picture.
pub fn initial(name: &str) -> String {
    name.trim()
        .chars()
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_else(|| "?".to_owned())
}

#[component]
pub fn Avatar(author: Author) -> impl IntoView {
    match author.avatar {
        Some(image) => {
            // An uploaded face may be 1600 px: the 400 px copy is sharp at any avatar size.
            let set = srcset(&image).unwrap_or_default();
            view! {
                <img
                    class="avatar"
                    src=image.url
                    srcset=set
                    sizes="56px"
                    width="32"
                    height="32"
                    alt=""
                    loading="lazy"
                />
            }
            .into_any()
        }
        None => {
            // A stable hue per member makes initials tell people apart.
            let hue = (author.id.unsigned_abs() % 12) * 30;
            view! {
                <span class=format!("avatar avatar-initial hue-{hue}") aria-hidden="true">
                    {initial(&author.name)}
                </span>
            }
            .into_any()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::initial;

    #[test]
    fn initial_of_chinese_latin_and_empty_names() {
        assert_eq!(initial("小鹿妈妈"), "小");
        assert_eq!(initial("  lena"), "L");
        assert_eq!(initial(""), "?");
    }
}

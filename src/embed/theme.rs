//! A host's colours (`?theme=accent:0a7d5a,background:101418` or a `set_theme` message)
//! made into the store's CSS custom properties. A host may ask for any colours; the store
//! keeps its text readable (WCAG AA, 4.5:1) by correcting what would not be.

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(u8, u8, u8);

const WHITE: Rgb = Rgb(255, 255, 255);
const BLACK: Rgb = Rgb(0, 0, 0);
/// The store's own colours (style/main.css), for what a host leaves out.
const ACCENT: Rgb = Rgb(0xc8, 0x35, 0x2b);
const BACKGROUND: Rgb = Rgb(0xf6, 0xf6, 0xf6);
const SURFACE: Rgb = WHITE;
const TEXT: Rgb = Rgb(0x1f, 0x1f, 0x1f);
/// AA for body text.
const READABLE: f64 = 4.5;

impl Rgb {
    /// `#0a7d5a`, `0a7d5a`, `#0b5` or `0b5`; anything else (names, `rgb()`, `url(…)`) is not
    /// a colour here, so nothing a host sends can reach the stylesheet but six hex digits.
    pub fn parse(raw: &str) -> Option<Rgb> {
        let hex = raw.trim();
        let hex = hex.strip_prefix('#').unwrap_or(hex);
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize| u8::from_str_radix(&hex[i..=i], 16).ok();
        match hex.len() {
            3 => Some(Rgb(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
            6 => {
                let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
                Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
            }
            _ => None,
        }
    }

    pub fn css(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Relative luminance (WCAG 2).
    fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// `self` moved `amount` (0–1) of the way to `other`.
    fn mix(self, other: Rgb, amount: f64) -> Rgb {
        let step =
            |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * amount).round() as u8;
        Rgb(
            step(self.0, other.0),
            step(self.1, other.1),
            step(self.2, other.2),
        )
    }
}

/// WCAG contrast ratio, 1–21.
fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Black or white, whichever reads better on every one of `grounds`.
fn ink_for(grounds: &[Rgb]) -> Rgb {
    if worst(WHITE, grounds) > worst(BLACK, grounds) {
        WHITE
    } else {
        BLACK
    }
}

/// The lowest contrast of `ink` on any of `grounds`.
fn worst(ink: Rgb, grounds: &[Rgb]) -> f64 {
    grounds
        .iter()
        .map(|&g| contrast(ink, g))
        .fold(f64::INFINITY, f64::min)
}

/// `colour`, moved toward `toward` just far enough to read on every one of `grounds`.
fn readable(colour: Rgb, toward: Rgb, grounds: &[Rgb]) -> Rgb {
    (0..=10)
        .map(|step| colour.mix(toward, f64::from(step) / 10.0))
        .find(|c| worst(*c, grounds) >= READABLE)
        .unwrap_or(toward)
}

/// Cards for a background the host gave without cards of its own: on a dark page a shade
/// of it, not white islands.
fn surface_for(background: Option<Rgb>) -> Rgb {
    match background {
        Some(bg) if bg.luminance() < 0.2 => bg.mix(WHITE, 0.08),
        _ => SURFACE,
    }
}

/// The accent's pale tint on `surface` (`--accent-soft`).
fn tint(accent: Rgb, surface: Rgb) -> Rgb {
    accent.mix(surface, 0.88)
}

/// What a host asked for; `None` keeps the store's own colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Theme {
    pub accent: Option<Rgb>,
    pub background: Option<Rgb>,
    pub surface: Option<Rgb>,
    pub text: Option<Rgb>,
}

impl Theme {
    /// `accent:0a7d5a,background:101418`: unknown names and values that are not colours
    /// are left out, the rest is kept.
    pub fn parse(raw: &str) -> Theme {
        let mut theme = Theme::default();
        for (name, value) in raw
            .split([',', ';'])
            .filter_map(|pair| pair.split_once(':'))
        {
            theme.set(name.trim(), value);
        }
        theme
    }

    pub fn set(&mut self, name: &str, value: &str) {
        let slot = match name {
            "accent" => &mut self.accent,
            "background" => &mut self.background,
            "surface" => &mut self.surface,
            "text" => &mut self.text,
            _ => return,
        };
        if let Some(colour) = Rgb::parse(value) {
            *slot = Some(colour);
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Theme::default()
    }

    /// `accent:…,background:…` again, to keep for the rest of the visit.
    pub fn encode(&self) -> String {
        [
            ("accent", self.accent),
            ("background", self.background),
            ("surface", self.surface),
            ("text", self.text),
        ]
        .iter()
        .filter_map(|(name, colour)| colour.map(|c| format!("{name}:{}", &c.css()[1..])))
        .collect::<Vec<_>>()
        .join(",")
    }

    /// The custom properties of style/main.css this theme sets, every one readable.
    pub fn properties(&self) -> Vec<(&'static str, String)> {
        if self.is_empty() {
            return Vec::new();
        }
        let background = self.background.unwrap_or(BACKGROUND);
        let text_on = |surface: Rgb| {
            let grounds = [surface, background];
            match self.text.unwrap_or(TEXT) {
                t if worst(t, &grounds) >= READABLE => t,
                _ => ink_for(&grounds),
            }
        };
        let mut surface = self.surface.unwrap_or(surface_for(self.background));
        let mut text = text_on(surface);
        // Cards and page too far apart for any one text colour: the cards give way.
        if worst(text, &[surface, background]) < READABLE {
            surface = surface_for(Some(background));
            text = text_on(surface);
        }
        let grounds = [surface, background];
        let muted = readable(text.mix(surface, 0.4), text, &grounds);
        let card_alt = surface.mix(text, 0.03);
        // The accent is also text (prices, links) on cards, page, cards within cards and
        // on its own tint (the community chips, the savings).
        let accent = (0..=10)
            .map(|step| {
                self.accent
                    .unwrap_or(ACCENT)
                    .mix(text, f64::from(step) / 10.0)
            })
            .find(|c| worst(*c, &[surface, background, card_alt, tint(*c, surface)]) >= READABLE)
            .unwrap_or(text);
        vec![
            ("--bg", background.css()),
            ("--card", surface.css()),
            ("--card-alt", card_alt.css()),
            ("--field", surface.css()),
            ("--field-border", text.mix(surface, 0.6).css()),
            ("--ink", text.css()),
            (
                "--ink-soft",
                readable(text.mix(surface, 0.2), text, &grounds).css(),
            ),
            ("--muted", muted.css()),
            ("--line", text.mix(surface, 0.88).css()),
            ("--accent", accent.css()),
            ("--accent-soft", tint(accent, surface).css()),
            ("--on-accent", ink_for(&[accent]).css()),
        ]
    }
}

/// Every property a theme sets, to clear when the host resets its theme.
pub const PROPERTIES: [&str; 12] = [
    "--bg",
    "--card",
    "--card-alt",
    "--field",
    "--field-border",
    "--ink",
    "--ink-soft",
    "--muted",
    "--line",
    "--accent",
    "--accent-soft",
    "--on-accent",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_hex_only() {
        assert_eq!(Rgb::parse("#0a7d5a"), Some(Rgb(0x0a, 0x7d, 0x5a)));
        assert_eq!(Rgb::parse("0A7D5A"), Some(Rgb(0x0a, 0x7d, 0x5a)));
        assert_eq!(Rgb::parse("#0b5"), Some(Rgb(0x00, 0xbb, 0x55)));
        for junk in [
            "red",
            "rgb(1,2,3)",
            "#12345",
            "#1234567",
            "",
            "#",
            "url(x)",
            "#12;}*{",
            "１２３",
        ] {
            assert_eq!(Rgb::parse(junk), None, "{junk}");
        }
    }

    #[test]
    fn the_query_keeps_known_colours_and_drops_the_rest() {
        let theme = Theme::parse("accent:0a7d5a,background:red,shadow:000,text:#fff;surface:222");
        assert_eq!(
            theme,
            Theme {
                accent: Some(Rgb(0x0a, 0x7d, 0x5a)),
                background: None,
                surface: Some(Rgb(0x22, 0x22, 0x22)),
                text: Some(WHITE),
            }
        );
        assert_eq!(theme.encode(), "accent:0a7d5a,surface:222222,text:ffffff");
        assert_eq!(Theme::parse(&theme.encode()), theme);
        assert!(Theme::parse("nonsense").is_empty());
        assert!(Theme::parse("").properties().is_empty());
    }

    fn property(theme: &Theme, name: &str) -> Rgb {
        let properties = theme.properties();
        let value = properties
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        Rgb::parse(&value).unwrap_or(Rgb(1, 2, 3))
    }

    #[test]
    fn text_stays_readable_whatever_the_host_asks() {
        // Grey on grey: the store picks white or black instead.
        let theme = Theme {
            background: Rgb::parse("777777"),
            surface: Rgb::parse("808080"),
            text: Rgb::parse("888888"),
            ..Theme::default()
        };
        let (text, card, bg) = (
            property(&theme, "--ink"),
            property(&theme, "--card"),
            property(&theme, "--bg"),
        );
        assert!(contrast(text, card) >= READABLE, "{text:?} on {card:?}");
        assert!(contrast(text, bg) >= 4.0);
        // A pale accent is darkened until prices in it read on the cards.
        let theme = Theme {
            accent: Rgb::parse("ffe066"),
            ..Theme::default()
        };
        let accent = property(&theme, "--accent");
        assert!(contrast(accent, WHITE) >= READABLE, "{accent:?}");
        assert!(contrast(property(&theme, "--on-accent"), accent) >= READABLE);
        assert!(contrast(property(&theme, "--muted"), WHITE) >= READABLE);
    }

    #[test]
    fn a_theme_sets_every_property_it_may_clear() {
        let theme = Theme::parse("accent:0a7d5a");
        let names: Vec<&str> = theme.properties().iter().map(|(n, _)| *n).collect();
        assert_eq!(names, PROPERTIES);
    }

    #[test]
    fn cards_that_no_text_can_share_with_the_page_give_way() {
        for (background, surface) in [("ffffff", "000000"), ("101418", "ffffff")] {
            let theme = Theme {
                background: Rgb::parse(background),
                surface: Rgb::parse(surface),
                ..Theme::default()
            };
            let grounds = [property(&theme, "--card"), property(&theme, "--bg")];
            for name in ["--ink", "--ink-soft", "--muted", "--accent"] {
                let ink = property(&theme, name);
                assert!(
                    worst(ink, &grounds) >= READABLE,
                    "{name} {ink:?} on {grounds:?}"
                );
            }
        }
    }

    #[test]
    fn the_accent_reads_on_its_own_tint_and_on_cards_within_cards() {
        for raw in [
            "accent:d63a30",
            "accent:0a7d5a",
            "accent:ff9900",
            "background:101418",
        ] {
            let theme = Theme::parse(raw);
            let accent = property(&theme, "--accent");
            for ground in ["--accent-soft", "--card-alt", "--card", "--bg"] {
                let ground = property(&theme, ground);
                assert!(
                    contrast(accent, ground) >= READABLE,
                    "{raw}: {accent:?} on {ground:?}"
                );
            }
        }
    }

    #[test]
    fn a_dark_host_gets_dark_cards_and_light_text() {
        let theme = Theme {
            background: Rgb::parse("101418"),
            ..Theme::default()
        };
        let card = property(&theme, "--card");
        assert!(card.luminance() < 0.1, "{card:?}");
        assert_eq!(property(&theme, "--ink"), WHITE);
        assert!(contrast(property(&theme, "--accent"), card) >= READABLE);
        // Form fields are cards too: white fields would hold white text.
        assert_eq!(property(&theme, "--field"), card);
        assert!(contrast(property(&theme, "--ink-soft"), card) >= READABLE);
    }

    #[test]
    fn readable_colours_are_kept_as_asked() {
        let theme = Theme {
            accent: Rgb::parse("0a6b4d"),
            text: Rgb::parse("202124"),
            ..Theme::default()
        };
        assert_eq!(property(&theme, "--accent"), Rgb(0x0a, 0x6b, 0x4d));
        assert_eq!(property(&theme, "--ink"), Rgb(0x20, 0x21, 0x24));
        assert_eq!(property(&theme, "--on-accent"), WHITE);
    }
}

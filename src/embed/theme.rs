//! The colours an embedder may set: the accent, per colour scheme, accepted only as `#rgb` or
//! `#rrggbb` and only when text stays readable (WCAG contrast 4.5:1 against the page and against
//! the button text chosen for it). Everything else comes from `style/main.css`.

/// Light, dark, or whatever the person's system prefers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    /// Follows `prefers-color-scheme`.
    #[default]
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Scheme {
    /// Reads `auto`, `light` or `dark`.
    pub fn parse(text: &str) -> Option<Scheme> {
        match text {
            "auto" => Some(Scheme::Auto),
            "light" => Some(Scheme::Light),
            "dark" => Some(Scheme::Dark),
            _ => None,
        }
    }

    /// The CSS `color-scheme` value that forces it.
    pub fn css(self) -> &'static str {
        match self {
            Scheme::Auto => "light dark",
            Scheme::Light => "light",
            Scheme::Dark => "dark",
        }
    }

    /// The page background of this scheme in `style/main.css` (a test keeps them equal).
    fn background(self) -> Rgb {
        match self {
            Scheme::Dark => Rgb([0x15, 0x18, 0x1d]),
            Scheme::Auto | Scheme::Light => Rgb([0xff, 0xff, 0xff]),
        }
    }
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb([u8; 3]);

impl Rgb {
    const WHITE: Rgb = Rgb([0xff, 0xff, 0xff]);
    const INK: Rgb = Rgb([0x0b, 0x13, 0x20]);

    /// Reads `#rgb` or `#rrggbb`, nothing else (no names, no functions, no `;`).
    pub fn parse(text: &str) -> Option<Rgb> {
        let hex = text.strip_prefix('#')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize, width: usize| u8::from_str_radix(&hex[i..i + width], 16).ok();
        match hex.len() {
            3 => Some(Rgb([
                digit(0, 1)? * 17,
                digit(1, 1)? * 17,
                digit(2, 1)? * 17,
            ])),
            6 => Some(Rgb([digit(0, 2)?, digit(2, 2)?, digit(4, 2)?])),
            _ => None,
        }
    }

    /// `#rrggbb`.
    pub fn css(self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = self.0;
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }

    /// The WCAG contrast ratio between two colours (1 to 21).
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// White or near-black, whichever reads better on this colour.
    fn text_on(self) -> Rgb {
        if self.contrast(Rgb::WHITE) >= self.contrast(Rgb::INK) {
            Rgb::WHITE
        } else {
            Rgb::INK
        }
    }
}

/// The minimum contrast for text (WCAG 2 AA, normal size).
const READABLE: f64 = 4.5;

/// The embedder's colours, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Theme {
    /// The colour scheme.
    pub scheme: Scheme,
    light_accent: Option<Rgb>,
    dark_accent: Option<Rgb>,
}

impl Theme {
    /// Sets the accent for `scheme` (light or dark) from `text`, or says why not.
    pub fn set_accent(&mut self, scheme: Scheme, text: &str) -> Result<(), &'static str> {
        let colour = Rgb::parse(text).ok_or("expected a colour as #rgb or #rrggbb")?;
        let readable = colour.contrast(scheme.background()) >= READABLE
            && colour.contrast(colour.text_on()) >= READABLE;
        if !readable {
            return Err("too little contrast with the page or its button text (WCAG 4.5:1)");
        }
        match scheme {
            Scheme::Dark => self.dark_accent = Some(colour),
            Scheme::Auto | Scheme::Light => self.light_accent = Some(colour),
        }
        Ok(())
    }

    /// The custom properties to set on the page: `(name, value)`, each value built here from
    /// checked colours only.
    pub fn properties(&self) -> Vec<(&'static str, String)> {
        let mut properties = vec![("color-scheme", self.scheme.css().to_string())];
        let pair =
            |light: Option<Rgb>, dark: Option<Rgb>, light_default: &str, dark_default: &str| {
                let light = light.map_or(light_default.to_string(), Rgb::css);
                let dark = dark.map_or(dark_default.to_string(), Rgb::css);
                format!("light-dark({light}, {dark})")
            };
        if self.light_accent.is_some() || self.dark_accent.is_some() {
            properties.push((
                "--rw-accent",
                pair(
                    self.light_accent,
                    self.dark_accent,
                    DEFAULT_ACCENT.0,
                    DEFAULT_ACCENT.1,
                ),
            ));
            properties.push((
                "--rw-accent-fg",
                pair(
                    self.light_accent.map(Rgb::text_on),
                    self.dark_accent.map(Rgb::text_on),
                    DEFAULT_ACCENT_FG.0,
                    DEFAULT_ACCENT_FG.1,
                ),
            ));
        }
        properties
    }
}

/// The stylesheet's accent and button text, light and dark (a test keeps them equal).
const DEFAULT_ACCENT: (&str, &str) = ("#0b5cad", "#6fb1ff");
const DEFAULT_ACCENT_FG: (&str, &str) = ("#ffffff", "#0b1320");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_hex_only() {
        assert_eq!(Rgb::parse("#0b5cad").map(Rgb::css), Some("#0b5cad".into()));
        assert_eq!(Rgb::parse("#FFF").map(Rgb::css), Some("#ffffff".into()));
        for bad in [
            "red", "0b5cad", "#0b5cad;", "#12345", "url(x)", "#ggg", "", "#",
        ] {
            assert_eq!(Rgb::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn unreadable_accents_are_refused() {
        let mut theme = Theme::default();
        assert!(theme.set_accent(Scheme::Light, "#0b5cad").is_ok());
        assert!(
            theme.set_accent(Scheme::Light, "#ffff00").is_err(),
            "yellow on white"
        );
        assert!(theme.set_accent(Scheme::Dark, "#6fb1ff").is_ok());
        assert!(
            theme.set_accent(Scheme::Dark, "#202020").is_err(),
            "dark on dark"
        );
        assert!((Rgb::WHITE.contrast(Rgb([0, 0, 0])) - 21.0).abs() < 1e-9);
    }

    #[test]
    fn properties_come_only_from_checked_colours() {
        let mut theme = Theme {
            scheme: Scheme::Dark,
            ..Theme::default()
        };
        assert_eq!(theme.properties(), [("color-scheme", "dark".to_string())]);
        theme
            .set_accent(Scheme::Light, "#1d6b2f")
            .unwrap_or_else(|e| panic!("{e}"));
        let properties = theme.properties();
        assert!(properties.contains(&("--rw-accent", "light-dark(#1d6b2f, #6fb1ff)".into())));
        assert!(properties.contains(&("--rw-accent-fg", "light-dark(#ffffff, #0b1320)".into())));
    }

    #[test]
    fn the_defaults_here_are_the_stylesheets() {
        let css = include_str!("../../style/main.css");
        for colour in [
            DEFAULT_ACCENT.0,
            DEFAULT_ACCENT.1,
            DEFAULT_ACCENT_FG.0,
            DEFAULT_ACCENT_FG.1,
            &Scheme::Light.background().css(),
            &Scheme::Dark.background().css(),
        ] {
            assert!(css.contains(colour), "style/main.css lacks {colour}");
        }
    }
}

//! The index of the helper's downloads, `download/helpers.json` on the wizard's site: written
//! by `cargo xtask dist --helpers`, read by the wizard to offer the right file.

use serde::{Deserialize, Serialize};

/// Where the index lies, relative to the wizard's page.
pub const INDEX_PATH: &str = "download/helpers.json";

/// Every archive of one helper version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelperDownloads {
    /// reset-proxy's version.
    pub version: String,
    /// One per system.
    pub files: Vec<HelperFile>,
}

/// One archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelperFile {
    /// The Rust target triple it was built for.
    pub target: String,
    /// The file name, under `download/`.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, lowercase hex (as in SHA256SUMS).
    pub sha256: String,
}

/// The systems a visitor can be on, as far as the download offer cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum System {
    /// Windows on x86_64 (Windows on Arm runs x86_64 programs too).
    Windows,
    /// macOS; which processor the browser does not reliably say.
    MacOs,
    /// Linux on x86_64.
    LinuxX86_64,
    /// Linux on 64-bit Arm (a Raspberry Pi, an Arm laptop).
    LinuxAarch64,
    /// A phone or tablet: the helper runs on a computer instead.
    Mobile,
    /// Anything else.
    Unknown,
}

impl System {
    /// Guesses the system from a browser's user agent and whether it has a touch screen
    /// (iPadOS says "Macintosh" but has one).
    pub fn from_user_agent(agent: &str, touch_points: u32) -> System {
        let has = |word: &str| agent.contains(word);
        if has("Android") || has("iPhone") || has("iPad") || has("Mobile") {
            return System::Mobile;
        }
        if has("Windows") {
            return System::Windows;
        }
        if has("Macintosh") || has("Mac OS X") {
            return if touch_points > 1 {
                System::Mobile
            } else {
                System::MacOs
            };
        }
        if has("Linux") || has("X11") {
            return if has("aarch64") || has("arm64") {
                System::LinuxAarch64
            } else {
                System::LinuxX86_64
            };
        }
        System::Unknown
    }

    /// The target triple whose archive fits this system, when one is built.
    pub fn target(self) -> Option<&'static str> {
        match self {
            System::Windows => Some("x86_64-pc-windows-gnu"),
            System::LinuxX86_64 => Some("x86_64-unknown-linux-musl"),
            System::LinuxAarch64 => Some("aarch64-unknown-linux-musl"),
            System::MacOs | System::Mobile | System::Unknown => None,
        }
    }
}

impl HelperDownloads {
    /// The archive for `system`, if there is one.
    pub fn for_system(&self, system: System) -> Option<&HelperFile> {
        let target = system.target()?;
        self.files.iter().find(|f| f.target == target)
    }
}

/// A size in plain words: "3.1 MB" (decimal, as file managers show it).
pub fn size_text(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    } else {
        format!("{} kB", bytes.div_ceil(1000))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const LINUX: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const PI: &str = "Mozilla/5.0 (X11; Linux aarch64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const MAC: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15";
    const ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
    const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";

    #[test]
    fn systems_from_real_user_agents() {
        assert_eq!(System::from_user_agent(WINDOWS, 0), System::Windows);
        assert_eq!(System::from_user_agent(LINUX, 0), System::LinuxX86_64);
        assert_eq!(System::from_user_agent(PI, 0), System::LinuxAarch64);
        assert_eq!(System::from_user_agent(MAC, 0), System::MacOs);
        assert_eq!(System::from_user_agent(MAC, 5), System::Mobile);
        assert_eq!(System::from_user_agent(ANDROID, 5), System::Mobile);
        assert_eq!(System::from_user_agent(IPHONE, 5), System::Mobile);
        assert_eq!(System::from_user_agent("curl/8", 0), System::Unknown);
    }

    #[test]
    fn sizes_read_as_people_expect() {
        assert_eq!(size_text(3_140_000), "3.1 MB");
        assert_eq!(size_text(999), "1 kB");
    }
}

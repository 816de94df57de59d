//! The wizard as a help-center widget: the options an embedding page may set (checked), the
//! events it receives, the theme it may choose, and the frame's side of the conversation.

pub mod events;
mod host;
pub mod options;
pub mod theme;

pub use events::HostEvent;
pub use host::post;
use leptos::prelude::*;
pub use options::{EmbedOptions, Helper, ModeChoice, Origin};

/// Reads the options from the page's URL, applies them, and puts them into context.
pub fn provide() -> EmbedOptions {
    let window = web_sys::window();
    let search = window
        .as_ref()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let own = window
        .and_then(|w| w.location().origin().ok())
        .and_then(|o| Origin::parse(&o));
    let (options, rejected) = EmbedOptions::from_query(&search, own.as_ref());
    host::warn(&rejected);
    host::install(&options);
    provide_context(options.clone());
    options
}

/// The options, from context.
pub fn use_options() -> EmbedOptions {
    use_context::<EmbedOptions>().unwrap_or_default()
}

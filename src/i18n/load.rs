//! Where each language's table comes from. English's is built in (`en.json`); in the browser
//! any other language's is fetched from `public/i18n/<tag>.json` the first time it is needed.
//! Natively (tests) every table is built in, read from the same files.

use super::template::Table;
use super::{Lang, Msg};
use std::rc::Rc;

/// English, the reference table, built into the page.
const ENGLISH_JSON: &str = include_str!("en.json");

thread_local! {
    /// English, parsed once (a broken table is caught by the tests, so `None` never ships).
    static ENGLISH: Option<Rc<Table>> = Table::parse(Lang::En, ENGLISH_JSON).ok().map(Rc::new);
}

/// The sentence for `msg` in `lang`; in English when that table is not loaded or lacks it
/// (a table cached from an older version), and its name when even English lacks it.
pub fn text(lang: Lang, msg: &Msg) -> String {
    table(lang)
        .and_then(|table| table.text(msg))
        .or_else(|| ENGLISH.with(|english| english.as_ref()?.text(msg)))
        .unwrap_or_else(|| msg.fallback())
}

/// Every table as committed, natively: the checks and the native tests read these.
#[cfg(not(target_arch = "wasm32"))]
pub mod files {
    use super::Lang;

    /// `lang`'s table as committed, and its path for messages.
    pub fn json(lang: Lang) -> (&'static str, &'static str) {
        match lang {
            Lang::En => ("src/i18n/en.json", super::ENGLISH_JSON),
            Lang::ZhCn => (
                "public/i18n/zh-CN.json",
                include_str!("../../public/i18n/zh-CN.json"),
            ),
            Lang::Es => (
                "public/i18n/es.json",
                include_str!("../../public/i18n/es.json"),
            ),
            Lang::PtBr => (
                "public/i18n/pt-BR.json",
                include_str!("../../public/i18n/pt-BR.json"),
            ),
            Lang::Fr => (
                "public/i18n/fr.json",
                include_str!("../../public/i18n/fr.json"),
            ),
            Lang::De => (
                "public/i18n/de.json",
                include_str!("../../public/i18n/de.json"),
            ),
            Lang::Ru => (
                "public/i18n/ru.json",
                include_str!("../../public/i18n/ru.json"),
            ),
            Lang::Ar => (
                "public/i18n/ar.json",
                include_str!("../../public/i18n/ar.json"),
            ),
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
thread_local! {
    static NATIVE: Vec<(Lang, Rc<Table>)> = Lang::ALL
        .into_iter()
        .filter_map(|lang| Some((lang, Rc::new(Table::parse(lang, files::json(lang).1).ok()?))))
        .collect();
}

#[cfg(not(target_arch = "wasm32"))]
fn table(lang: Lang) -> Option<Rc<Table>> {
    NATIVE.with(|tables| {
        tables
            .iter()
            .find(|(loaded, _)| *loaded == lang)
            .map(|(_, table)| table.clone())
    })
}

#[cfg(target_arch = "wasm32")]
use browser::table;

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::super::template::Table;
    use super::super::Lang;
    use gloo_net::http::Request;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// How long the page waits for its language's table before it shows English instead.
    const LOAD_TIMEOUT_MS: u32 = 5_000;

    thread_local! {
        /// The tables fetched so far (the page is single-threaded).
        static TABLES: RefCell<Vec<(Lang, Rc<Table>)>> = const { RefCell::new(Vec::new()) };
    }

    pub fn table(lang: Lang) -> Option<Rc<Table>> {
        if lang == Lang::En {
            return super::ENGLISH.with(Clone::clone);
        }
        TABLES.with_borrow(|tables| {
            tables
                .iter()
                .find(|(loaded, _)| *loaded == lang)
                .map(|(_, table)| table.clone())
        })
    }

    /// Whether `lang` can be shown now.
    pub fn is_ready(lang: Lang) -> bool {
        lang == Lang::En || table(lang).is_some()
    }

    /// Fetches and keeps `lang`'s table; bounded by [`LOAD_TIMEOUT_MS`] as a whole.
    pub async fn load(lang: Lang) -> Result<(), String> {
        if is_ready(lang) {
            return Ok(());
        }
        // Relative to the page, so a wizard hosted under a folder finds its own tables.
        let url = format!("public/i18n/{}.json", lang.tag());
        let deadline = web_sys::AbortSignal::timeout_with_u32(LOAD_TIMEOUT_MS);
        let response = Request::get(&url)
            .abort_signal(Some(&deadline))
            .send()
            .await
            .map_err(|err| format!("{url}: {err}"))?;
        if !response.ok() {
            return Err(format!("{url}: HTTP status {}", response.status()));
        }
        let json = response
            .text()
            .await
            .map_err(|err| format!("{url}: {err}"))?;
        let table = Table::parse(lang, &json).map_err(|err| format!("{url}: {err}"))?;
        TABLES.with_borrow_mut(|tables| tables.push((lang, Rc::new(table))));
        Ok(())
    }
}

/// Runs `mount` once the page's language can be shown: at once for English, else after its
/// table is loaded, or after a failed or slow load (then in English, with a console warning).
/// Waiting keeps the page from showing English first and switching a moment later.
pub fn with_page_language(mount: impl FnOnce() + 'static) {
    #[cfg(target_arch = "wasm32")]
    {
        let lang = Lang::from_browser();
        if browser::is_ready(lang) {
            mount();
            return;
        }
        // Leptos's executor starts with the mount, so the wait runs on wasm-bindgen's own.
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(err) = browser::load(lang).await {
                leptos::logging::warn!(
                    "showing English: the {} table did not load ({err})",
                    lang.tag()
                );
            }
            mount();
        });
    }
    #[cfg(not(target_arch = "wasm32"))]
    mount();
}

/// The language to start in: the one the page asks for when it is ready, else English.
pub fn page_language() -> Lang {
    let lang = Lang::from_browser();
    #[cfg(target_arch = "wasm32")]
    if !browser::is_ready(lang) {
        return Lang::En;
    }
    lang
}

/// Calls `switch` once `lang` can be shown (loading it first in the browser); a language that
/// fails to load leaves the page as it is, with a console warning.
pub fn then_switch(lang: Lang, switch: impl FnOnce() + 'static) {
    #[cfg(target_arch = "wasm32")]
    {
        if browser::is_ready(lang) {
            switch();
            return;
        }
        wasm_bindgen_futures::spawn_local(async move {
            match browser::load(lang).await {
                Ok(()) => switch(),
                Err(err) => leptos::logging::warn!("staying in this language: {err}"),
            }
        });
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = lang;
        switch();
    }
}

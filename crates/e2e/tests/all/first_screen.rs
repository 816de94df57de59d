//! The static first screen in `index.html`: drawn before the wasm runs, in English, with the
//! very texts of the English table, and gone once the wizard has mounted.

use anyhow::{ensure, Context, Result};
use axum::response::IntoResponse;
use e2e::{Browser, StaticSite};
use std::path::Path;

/// The built wizard served as static files, except that its wasm modules are missing: what
/// the page shows then is what a person sees before the wasm runs.
async fn site_without_wasm() -> Result<StaticSite> {
    let files = tower_http::services::ServeDir::new(e2e::dist()?);
    let router = axum::Router::new()
        .fallback_service(files)
        .layer(axum::middleware::from_fn(
            |request: axum::extract::Request, next: axum::middleware::Next| async move {
                if request.uri().path().ends_with(".wasm") {
                    return axum::http::StatusCode::NOT_FOUND.into_response();
                }
                next.run(request).await
            },
        ));
    StaticSite::serve(router).await
}

/// Every `data-msg="Key">text<` in the page's static HTML.
fn static_texts(html: &str) -> Vec<(String, String)> {
    html.split("data-msg=\"")
        .skip(1)
        .filter_map(|rest| {
            let (key, rest) = rest.split_once('"')?;
            let (_, rest) = rest.split_once('>')?;
            let (text, _) = rest.split_once('<')?;
            Some((key.to_string(), text.to_string()))
        })
        .collect()
}

#[test]
fn the_first_screen_says_exactly_what_the_english_table_says() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let index = std::fs::read_to_string(root.join("index.html"))?;
    let english: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(root.join("src/i18n/en.json"))?)?;
    let texts = static_texts(&index);
    ensure!(
        texts.len() >= 3,
        "the first screen has its texts: {texts:?}"
    );
    for (key, text) in texts {
        let table = english
            .get(&key)
            .and_then(|v| v.as_str())
            .with_context(|| format!("{key} is not an English sentence"))?;
        ensure!(
            table == text,
            "{key}: index.html says {text:?}, en.json {table:?}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_screen_shows_before_the_wasm_arrives_in_english_only() -> Result<()> {
    let site = site_without_wasm().await?;
    let browser = Browser::start().await?;
    browser
        .client
        .goto(&format!("{}?lang=en", site.url()))
        .await?;
    let title = browser.wait_for("//div[@id='first-screen']//h1").await?;
    ensure!(title.is_displayed().await?, "the first screen is visible");
    ensure!(title.text().await? == "Password reset wizard");
    // Another language waits for its own table: nothing English is put in the page meanwhile.
    browser
        .client
        .goto(&format!("{}?lang=de", site.url()))
        .await?;
    let present = browser
        .client
        .execute(
            "return [document.readyState, document.querySelectorAll('#first-screen, h1').length];",
            vec![],
        )
        .await?;
    ensure!(
        present == serde_json::json!(["complete", 0]),
        "no English first screen for German: {present}"
    );
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wizard_replaces_the_first_screen_when_it_mounts() -> Result<()> {
    let site = StaticSite::start().await?;
    let browser = Browser::start().await?;
    browser.client.goto(&site.url()).await?;
    // Once the wizard has drawn its own header, one title and no static screen remain.
    browser
        .wait_for("//header[@class='app-header']/h1[not(@data-msg)]")
        .await?;
    let left = browser
        .client
        .execute(
            "return [document.querySelectorAll('#first-screen').length,
                     document.querySelectorAll('h1').length];",
            vec![],
        )
        .await?;
    ensure!(left == serde_json::json!([0, 1]), "{left}");
    browser.close().await
}

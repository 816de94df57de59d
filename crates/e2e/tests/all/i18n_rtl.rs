//! Right-to-left text in real headless Chromium: in the Arabic guide, a Latin button name
//! such as "Forgot Password?" is isolated, so it reads in one piece, its "?" after "Password".
use anyhow::{ensure, Context, Result};
use e2e::{Browser, StaticSite};

/// Finds the guide's text node with "Forgot Password?" and measures, with Ranges, where the
/// browser draws its first letter, its last letter and its question mark.
const MEASURE: &str = r#"
const list = document.querySelector('ol.instructions');
const walker = document.createTreeWalker(list, NodeFilter.SHOW_TEXT);
const name = 'Forgot Password?';
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const at = node.data.indexOf(name);
  if (at < 0) continue;
  const box = (from, to) => {
    const range = document.createRange();
    range.setStart(node, from);
    range.setEnd(node, to);
    const rect = range.getBoundingClientRect();
    return { left: rect.left, right: rect.right, top: rect.top };
  };
  const end = at + name.length;
  return {
    text: node.data,
    before: node.data.codePointAt(at - 1),
    after: node.data.codePointAt(end),
    first: box(at, at + 1),
    last: box(end - 2, end - 1),
    mark: box(end - 1, end),
  };
}
return null;
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arabic_guide_keeps_forgot_password_in_one_piece() -> Result<()> {
    let site = StaticSite::start().await?;
    let browser = Browser::start().await?;
    browser
        .client
        .goto(&format!("{}?lang=ar", site.url()))
        .await?;
    browser
        .wait_for("//html[@lang='ar' and @dir='rtl']")
        .await?;
    browser
        .wait_for("//ol[@class='instructions']/li[contains(., 'Forgot Password?')]")
        .await?;
    let found = browser.client.execute(MEASURE, vec![]).await?;
    ensure!(!found.is_null(), "no text node holds \"Forgot Password?\"");
    let number = |path: &[&str]| -> Result<f64> {
        let mut value = &found;
        for key in path {
            value = &value[*key];
        }
        value
            .as_f64()
            .with_context(|| format!("{path:?} in {found}"))
    };
    // The name sits inside a left-to-right isolate (U+2066 … U+2069) in the sentence itself.
    ensure!(
        number(&["before"])? == f64::from(0x2066) && number(&["after"])? == f64::from(0x2069),
        "\"Forgot Password?\" is not isolated: {found}"
    );
    // Drawn left to right in one piece: "F" first, then "d", and the "?" right after "d"
    // (without the isolate the "?" is drawn at the left, "?Forgot Password").
    let (first, last, mark) = (
        number(&["first", "left"])?,
        number(&["last", "right"])?,
        number(&["mark", "left"])?,
    );
    let same_line = number(&["first", "top"])? == number(&["mark", "top"])?;
    ensure!(
        same_line && first < last && (mark - last).abs() < 1.0,
        "\"Forgot Password?\" is drawn out of order: {found}"
    );
    browser.close().await
}

//! BENCHMARKS.md sections that commands other than a full `bench` write (`fuzz`, `bench soak`):
//! each replaces its own `## ` section and leaves the rest of the file as it was.

use anyhow::{Context, Result};
use std::path::Path;

/// Replaces the section headed `## {title}` in `document` with `markdown` (appending it when
/// there is none yet).
pub fn replace_section(document: &str, title: &str, markdown: &str) -> String {
    let heading = format!("\n## {title}\n");
    let section = format!("{heading}\n{}\n", markdown.trim_end());
    match document.find(&heading) {
        Some(start) => {
            let after = start + heading.len();
            let end = document[after..]
                .find("\n## ")
                .map_or(document.len(), |i| after + i);
            format!("{}{section}{}", &document[..start], &document[end..])
        }
        None => format!("{}\n{section}", document.trim_end()),
    }
}

/// The section headed `## {title}` of `document`, without its heading, when there is one.
pub fn section<'a>(document: &'a str, title: &str) -> Option<&'a str> {
    let heading = format!("\n## {title}\n");
    let after = document.find(&heading)? + heading.len();
    let end = document[after..]
        .find("\n## ")
        .map_or(document.len(), |i| after + i);
    Some(document[after..end].trim())
}

/// Writes `markdown` as the `## {title}` section of the BENCHMARKS.md at `root`.
pub fn write_section(root: &Path, title: &str, markdown: &str) -> Result<()> {
    let path = root.join("BENCHMARKS.md");
    let document = std::fs::read_to_string(&path).unwrap_or_else(|_| "# Benchmarks\n".into());
    std::fs::write(&path, replace_section(&document, title, markdown))
        .with_context(|| format!("writing {}", path.display()))?;
    println!("\nwrote the \"{title}\" section of {}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_is_replaced_in_place_or_appended() {
        let doc = "# B\n\n## One\n\nold\n\n## Two\n\nkept\n";
        let replaced = replace_section(doc, "One", "new");
        assert_eq!(replaced, "# B\n\n## One\n\nnew\n\n## Two\n\nkept\n");
        let appended = replace_section(doc, "Three", "third");
        assert!(
            appended.ends_with("kept\n\n## Three\n\nthird\n"),
            "{appended}"
        );
        assert_eq!(section(&replaced, "One"), Some("new"));
        assert_eq!(section(&replaced, "Two"), Some("kept"));
        assert_eq!(section(&replaced, "Four"), None);
        let last = replace_section(doc, "Two", "changed");
        assert_eq!(last, "# B\n\n## One\n\nold\n\n## Two\n\nchanged\n");
    }
}

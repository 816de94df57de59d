//! The helper compatibility rule: only the `api` number decides, never the version text.

use protocol::proxy_api::{helper_fit, Health, HelperFit, API_VERSION};

#[test]
fn the_same_api_fits_whatever_the_versions() {
    assert_eq!(helper_fit(API_VERSION), HelperFit::Fits);
}

#[test]
fn an_older_api_must_be_updated_and_a_newer_one_serves_its_own_wizard() {
    assert_eq!(helper_fit(API_VERSION - 1), HelperFit::TooOld);
    assert_eq!(helper_fit(0), HelperFit::TooOld);
    assert_eq!(helper_fit(API_VERSION + 1), HelperFit::TooNew);
}

#[test]
fn a_newer_helper_health_with_extra_fields_still_reads() {
    // A newer helper within the same api may add fields; the wizard must still read its health.
    let text =
        format!(r#"{{"version":"9.0.0","api":{API_VERSION},"demo":false,"newField":[1,2]}}"#);
    let health: Health = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(helper_fit(health.api), HelperFit::Fits);
}

//! One module per step of the reset, each a component that reads and moves the shared state.

mod code;
mod device;
mod mode;
mod password;
mod privacy;
mod proof;
mod qr;

pub use code::CodeStep;
pub use device::DeviceStep;
pub use mode::ModeStep;
pub use password::{PasswordRules, PasswordStep};
pub use privacy::PrivacyStep;
pub use proof::ProofStep;
pub use qr::{QrSend, QrStep};

use crate::flow::Step;
use crate::i18n::{use_i18n, Msg};
use leptos::html;
use leptos::prelude::*;

/// The step's heading, focused when the step appears so screen readers and keyboards follow.
#[component]
pub fn StepHeading(step: Step, title: Msg) -> impl IntoView {
    let i18n = use_i18n();
    let heading = NodeRef::<html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let number = Msg::StepOf {
        number: step.number(),
        total: Step::ALL.len(),
    };
    view! {
        <p class="step-number">{move || i18n.t(number.clone())}</p>
        <h2 id="step-heading" tabindex="-1" node_ref=heading>{move || i18n.t(title.clone())}</h2>
    }
}

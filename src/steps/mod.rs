//! One module per step of the reset, each a component that reads and moves the shared state.

pub(crate) mod after_reset;
mod answers;
pub(crate) mod code;
mod device;
pub(crate) mod email;
mod guid;
mod mode;
mod password;
mod privacy;
mod proof;
mod qr;
pub(crate) mod stepper;
pub(crate) mod support_details;

pub use answers::AnswersStep;
pub use code::CodeStep;
pub use device::DeviceStep;
pub use guid::GuidStep;
pub use mode::ModeStep;
pub use password::{NewPassword, PasswordStep};
pub use privacy::PrivacyStep;
pub use proof::ProofStep;
pub use qr::{QrSend, QrStep};

use crate::i18n::{tr, Msg};
use crate::wizard::progress::Step;
use leptos::html;
use leptos::prelude::*;

/// The step's heading, focused when the step appears so screen readers and keyboards follow.
#[component]
pub fn StepHeading(step: Step, title: Msg) -> impl IntoView {
    let heading = NodeRef::<html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    // Counted along the chosen route: the other routes skip the e-mail route's steps.
    let route = crate::wizard::state::use_wizard()
        .progress
        .with_untracked(|p| p.route);
    let on_route: Vec<Step> = Step::ALL
        .into_iter()
        .filter(|s| route.includes(*s))
        .collect();
    let number = Msg::StepOf {
        number: on_route
            .iter()
            .position(|s| *s == step)
            .map_or(1, |i| i + 1),
        total: on_route.len(),
    };
    view! {
        <p class="step-number">{tr(number.clone())}</p>
        <h2 id="step-heading" tabindex="-1" node_ref=heading>{tr(title.clone())}</h2>
    }
}

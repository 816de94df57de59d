//! The wizard's shared state: saved progress, what is held in memory only, and navigation.
//! Provided once by the app shell; every step reads and moves it through these methods.

use crate::batch::{Batch, FailReason};
use crate::device::address::DeviceAddress;
use crate::device::client::DeviceFacts;
use crate::device::reset::Proof;
use crate::wizard::clock::now_ms;
use crate::wizard::progress::{InMemory, Progress, ResetRoute, Step};
use crate::wizard::{route, storage};
use leptos::prelude::*;
use protocol::isapi::{GuidFile, QuestionAnswer};
use protocol::profile::DeviceProfile;

/// Whether the wizard drives the device itself or guides the person through its own page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Still asking whether a reset-proxy answers.
    Checking,
    /// A reset-proxy answers: the wizard talks to the device.
    Connected,
    /// No proxy (e.g. a help-center widget): the same steps as instructions.
    Guided,
}

/// Everything the steps share, cheap to copy (signals are handles).
#[derive(Clone, Copy)]
pub struct Wizard {
    /// What survives a reload (saved on every change).
    pub progress: RwSignal<Progress>,
    /// Several devices reset in a row (installers); `progress` is its current device's. Saved
    /// beside the progress, under its own key.
    pub batch: RwSignal<Option<Batch>>,
    /// The step on screen.
    pub step: RwSignal<Step>,
    /// What the device said about itself (fetched again after a reload).
    pub facts: RwSignal<Option<DeviceFacts>>,
    /// The reset code, typed on this page; never stored.
    pub code: RwSignal<String>,
    /// The security answers, typed on this page; never stored.
    pub answers: RwSignal<Vec<QuestionAnswer>>,
    /// The GUID file, chosen on this page; never stored.
    pub guid_file: RwSignal<Option<GuidFile>>,
    /// The new password, kept only until the proof login; never stored.
    pub password: RwSignal<String>,
    /// The last device verdict on a reset attempt, shown on the code or password step.
    pub verdict: RwSignal<Option<crate::device::reset::ResetVerdict>>,
    /// When a device lock ends (ms since the epoch), for the countdown.
    pub locked_until: RwSignal<Option<u64>>,
    /// Connected or guided.
    pub mode: RwSignal<Mode>,
    /// Whether the proxy runs the demo's simulated device (then its mailbox can be shown).
    pub demo: RwSignal<bool>,
    /// The [assumed] protocol details for this device family.
    pub profile: StoredValue<DeviceProfile>,
    /// Why a batch's device failed, from the last problem shown for it (recorded when the
    /// device is left).
    pub last_failure: RwSignal<Option<FailReason>>,
    /// A batch's shared new password, when the person chose one for all its devices; kept on
    /// this page only, like every password.
    pub batch_password: RwSignal<String>,
}

impl Wizard {
    /// Loads saved progress and the step in the URL, and puts the wizard into context.
    pub fn provide() -> Self {
        let progress: Progress = storage::load(storage::PROGRESS_KEY, now_ms()).unwrap_or_default();
        let batch: Option<Batch> = storage::load(storage::BATCH_KEY, now_ms());
        let wanted = route::current().unwrap_or_else(|| progress.furthest(InMemory::default()));
        let step = progress.allowed(wanted, InMemory::default());
        let wizard = Wizard {
            progress: RwSignal::new(progress),
            batch: RwSignal::new(batch),
            step: RwSignal::new(step),
            facts: RwSignal::new(None),
            code: RwSignal::new(String::new()),
            answers: RwSignal::new(Vec::new()),
            guid_file: RwSignal::new(None),
            password: RwSignal::new(String::new()),
            verdict: RwSignal::new(None),
            locked_until: RwSignal::new(None),
            demo: RwSignal::new(false),
            mode: RwSignal::new(Mode::Checking),
            profile: StoredValue::new(DeviceProfile::default()),
            last_failure: RwSignal::new(None),
            batch_password: RwSignal::new(String::new()),
        };
        route::replace(step);
        Effect::new(move |_| {
            wizard
                .progress
                .with(|p| storage::save(storage::PROGRESS_KEY, p, now_ms()))
        });
        Effect::new(move |_| {
            wizard
                .batch
                .with(|b| storage::save(storage::BATCH_KEY, b, now_ms()))
        });
        provide_context(wizard);
        wizard
    }

    /// What is in memory now, for the step rules.
    pub fn memory(&self) -> InMemory {
        InMemory {
            has_code: self.proof().is_some(),
        }
    }

    /// The chosen route's proof, when it was given on this page.
    pub fn proof(&self) -> Option<Proof> {
        match self.progress.with_untracked(|p| p.route) {
            ResetRoute::Email => {
                let code = self.code.get_untracked();
                (!code.is_empty()).then_some(Proof::Code(code))
            }
            ResetRoute::Questions => {
                let answers = self.answers.get_untracked();
                (!answers.is_empty()).then_some(Proof::Answers(answers))
            }
            ResetRoute::GuidFile => self.guid_file.get_untracked().map(Proof::GuidFile),
        }
    }

    /// Forgets the proof given on this page (after the device refused it, or used it).
    pub fn forget_proof(&self) {
        self.code.set(String::new());
        self.answers.set(Vec::new());
        self.guid_file.set(None);
    }

    /// Shows `wanted`, or the furthest step allowed before it, and records it in history.
    pub fn go(&self, wanted: Step) {
        let step = self
            .progress
            .with_untracked(|p| p.allowed(wanted, self.memory()));
        if step != self.step.get_untracked() {
            self.step.set(step);
            route::push(step);
        }
    }

    /// In guided mode: records that the person got to `step` and shows it.
    pub fn advance_guided(&self, step: Step) {
        self.progress.update(|p| p.reach_guided(step));
        self.go(step);
    }

    /// Follows the browser's back/forward buttons.
    pub fn follow_history(&self) {
        let wanted = route::current().unwrap_or(Step::Device);
        let step = self
            .progress
            .with_untracked(|p| p.allowed(wanted, self.memory()));
        self.step.set(step);
        if step != wanted {
            route::replace(step);
        }
    }

    /// Whether a batch of devices is being reset.
    pub fn in_batch(&self) -> bool {
        self.batch.with(Option::is_some)
    }

    /// The chosen device's address, if one is chosen and still parses.
    pub fn address(&self) -> Option<DeviceAddress> {
        self.progress.with(|p| {
            p.device
                .as_ref()
                .and_then(|d| DeviceAddress::parse(&d.address).ok())
        })
    }
}

/// The wizard from context; the app shell provides it before any step renders.
pub fn use_wizard() -> Wizard {
    expect_context::<Wizard>()
}

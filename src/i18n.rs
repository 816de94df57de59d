//! The translation layer: every sentence a person sees is a [`Msg`], rendered per language.
//! A small layer of our own instead of fluent: an exhaustive `match` per language makes a
//! missing translation a compile error.
//!
//! The `match`es are compiled natively only, where they are the source of the tables the
//! browser uses (`cargo xtask i18n`; a test fails when a committed table differs): English,
//! `src/i18n/en.json`, is built into the wasm; any other language, `public/i18n/<tag>.json`,
//! is fetched before the page shows anything, so the first load carries one language, not
//! eight, and no per-language code.

mod load;
mod template;

#[cfg(not(target_arch = "wasm32"))]
mod ar;
#[cfg(not(target_arch = "wasm32"))]
mod de;
#[cfg(not(target_arch = "wasm32"))]
mod en;
#[cfg(not(target_arch = "wasm32"))]
mod es;
#[cfg(not(target_arch = "wasm32"))]
mod fr;
#[cfg(not(target_arch = "wasm32"))]
mod pt_br;
#[cfg(not(target_arch = "wasm32"))]
mod ru;
#[cfg(not(target_arch = "wasm32"))]
pub mod tables;
#[cfg(not(target_arch = "wasm32"))]
mod zh_cn;

pub use load::with_page_language;
pub use template::TwoDigits;

use leptos::prelude::*;
use std::borrow::Cow;
use template::MsgValue;

/// The languages the wizard speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English, the reference language.
    #[default]
    En,
    /// Simplified Chinese.
    ZhCn,
    /// Spanish.
    Es,
    /// Portuguese as written in Brazil.
    PtBr,
    /// French.
    Fr,
    /// German.
    De,
    /// Russian.
    Ru,
    /// Arabic, written right to left.
    Ar,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 8] = [
        Lang::En,
        Lang::ZhCn,
        Lang::Es,
        Lang::PtBr,
        Lang::Fr,
        Lang::De,
        Lang::Ru,
        Lang::Ar,
    ];

    /// The BCP 47 tag for the page's `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
            Lang::Es => "es",
            Lang::PtBr => "pt-BR",
            Lang::Fr => "fr",
            Lang::De => "de",
            Lang::Ru => "ru",
            Lang::Ar => "ar",
        }
    }

    /// The language for a BCP 47 tag, leniently: case does not matter, `_` counts as `-`,
    /// and a region or script the wizard has no own text for falls back to the base language
    /// (`pt-PT` → pt-BR, `es-419` → es, `zh-Hans-CN` → zh-CN). Traditional Chinese
    /// (`zh-Hant`, `zh-TW`, `zh-HK`, `zh-MO`) is not Simplified Chinese, so it is `None`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
        let mut parts = tag.split('-');
        let lang = match parts.next()? {
            "en" => Lang::En,
            "zh" | "cmn" => {
                let traditional = parts.any(|p| matches!(p, "hant" | "tw" | "hk" | "mo"));
                if traditional {
                    return None;
                }
                Lang::ZhCn
            }
            "es" => Lang::Es,
            "pt" => Lang::PtBr,
            "fr" => Lang::Fr,
            "de" => Lang::De,
            "ru" => Lang::Ru,
            "ar" => Lang::Ar,
            _ => return None,
        };
        Some(lang)
    }

    /// Whether the language is written right to left.
    pub fn is_rtl(self) -> bool {
        matches!(self, Lang::Ar)
    }

    /// The page's `dir` attribute for this language.
    pub fn dir(self) -> &'static str {
        if self.is_rtl() {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The language to start with: the embedder's `?lang=` in the page address first, then
    /// the browser's preferred languages in order, else English.
    pub fn from_browser() -> Lang {
        let Some(window) = web_sys::window() else {
            return Lang::En;
        };
        let from_query = window
            .location()
            .search()
            .ok()
            .and_then(|search| lang_in_query(&search));
        if let Some(lang) = from_query {
            return lang;
        }
        let preferred = window.navigator().languages();
        preferred
            .iter()
            .filter_map(|tag| tag.as_string())
            .chain(window.navigator().language())
            .find_map(|tag| Lang::from_tag(&tag))
            .unwrap_or_default()
    }
}

/// The language named by `lang=` in a query string such as `?step=2&lang=fr`.
fn lang_in_query(search: &str) -> Option<Lang> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(key, _)| *key == "lang")
        .find_map(|(_, value)| Lang::from_tag(value))
}

/// Declares [`Msg`] and, from the same list, each message's key and values for the
/// translation tables (so a new message needs nothing beyond its line and its translations).
macro_rules! messages {
    ($($(#[$doc:meta])* $variant:ident $({ $($field:ident : $ty:ty),* $(,)? })?),* $(,)?) => {
        /// Everything the wizard says, by meaning; values are filled into the sentence.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Msg {
            $($(#[$doc])* $variant $({ $($field: $ty),* })?),*
        }

        /// Each kind of message without its values: its position among the names below
        /// (a lookup instead of a match arm per message, which is smaller in the wasm).
        #[derive(Clone, Copy)]
        enum MsgKind {
            $($variant),*
        }

        /// Every message's name, in declaration order.
        const MSG_NAMES: &[&str] = &[$(stringify!($variant)),*];

        impl Msg {
            /// The message's name in the translation tables.
            fn name(&self) -> &'static str {
                let kind = match self {
                    $(Msg::$variant { .. } => MsgKind::$variant,)*
                };
                MSG_NAMES[kind as usize]
            }

            /// Calls `each` with every value the message carries and its field's name.
            fn each_value(&self, each: &mut dyn FnMut(&'static str, &dyn MsgValue)) {
                match self {
                    $(Msg::$variant $({ $($field),* })? => {
                        $($(each(stringify!($field), $field);)*)?
                    })*
                }
            }

            /// One message of each kind with a marker in every value (each choice of a value
            /// that selects the sentence, such as a strength level), to find where a
            /// language's sentence puts its values.
            #[cfg(not(target_arch = "wasm32"))]
            fn markers() -> Vec<Msg> {
                use template::Marker;
                let mut all = Vec::new();
                $(
                    let choices = 1usize $($(.max(<$ty as Marker>::CHOICES))*)?;
                    for _choice in 0..choices {
                        all.push(Msg::$variant $({ $($field: <$ty as Marker>::marker(
                            stringify!($field),
                            _choice,
                        )),* })?);
                    }
                )*
                all
            }
        }
    };
}

messages! {
    AppTitle,
    AppTagline,
    DemoBadge,
    StepDevice,
    LanHint,
    Searching,
    SearchAgain,
    NoDevicesFound,
    FoundDevices,
    ColumnModel,
    ColumnSerial,
    ColumnAddress,
    ColumnFirmware,
    ColumnStatus,
    /// Which of the proxy computer's network adapters heard the device, e.g. `eth0 (192.168.1.20)`.
    FoundOn { adapter: String },
    Activated,
    NotActivated,
    Choose,
    ChooseDevice { model: String, serial: String },
    AddressLabel,
    AddressHint,
    CheckDevice,
    AddressEmpty,
    AddressNotAnIp,
    AddressBadPort,
    AskingDevice { address: String },
    YourDevice,
    Model,
    Serial,
    Firmware,
    Address,
    NotReported,
    ResetModes,
    ModeEmail,
    ModeSecurityQuestions,
    ModeGuidFile,
    ModeHikConnect,
    ModeAvailable,
    ModeUnavailable,
    PasswordLength { min: u32, max: u32 },
    NotActivatedExplain,
    ProxyUnreachable,
    ProxyRefused { detail: String },
    DeviceUnreachable { address: String },
    DeviceTimeout { address: String },
    DeviceAnswerTooLarge,
    DeviceGarbage { detail: String },
    DeviceStatus { status: u16 },
    TargetNotAllowed,
    DiscoveryFailed,
    TryAgain,
    StepsLabel,
    StepOf { number: usize, total: usize },
    StepMode,
    StepPrivacy,
    StepQr,
    StepCode,
    StepPassword,
    StepProof,
    Back,
    Continue,
    Cancel,
    ReadingDevice,
    ResetThisDevice,
    ModeEmailExplain,
    ModeEmailMissing,
    ModeLater,
    SupportHeading,
    SupportExplain,
    CopyDetails,
    CopyAddress,
    Copied,
    CopyFailed,
    PrivacyWhat,
    PrivacyWho,
    PrivacyKept,
    PrivacyAccept,
    QrExplain,
    QrExport,
    QrExporting,
    QrTooLong,
    QrExportedAt { when: String },
    QrExportAgain,
    QrExportAgainWarning,
    QrExportAgainConfirm,
    QrImageLabel,
    QrDownload,
    QrSendTo,
    QrWriteEmail,
    QrAttach { file: String },
    QrWait,
    QrValidity,
    HaveCode,
    EmailSubject { serial: String },
    EmailBody { serial: String },
    CodeLabel,
    CodeHint,
    CodeEmpty,
    PlainHttpNotice,
    WrongCode,
    WrongCodeTriesLeft { left: u32 },
    ExpiredCode,
    Locked,
    LockedFor { minutes: u64, seconds: TwoDigits },
    DeviceStarting,
    DeviceSaid { detail: String },
    NewPasswordLabel,
    ConfirmPasswordLabel,
    PasswordsMatch,
    PasswordsDiffer,
    ShowPassword,
    RuleLength { min: u32, max: u32 },
    RuleAllowedCharacters,
    RuleForbidden { characters: String },
    RuleTwoClasses,
    RuleNotUsername,
    RuleNotReversedUsername,
    RuleNoUsernameInside,
    RuleNotRisky,
    RuleMet,
    RuleNotMet,
    Strength { level: protocol::password::Strength },
    ResetPassword,
    Resetting,
    PasswordIllegal,
    PasswordRisky,
    PasswordSameAsOld,
    PasswordTooLongDevice,
    ResetAccepted,
    Proving,
    Proven,
    NotProven,
    ResetAnother,
    NoReservedEmail,
    TooManyAttempts { minutes: u64 },
    ProxyBusy,
    CertificateChanged,
    TlsFailed,
    OpenFromProxy,
    PairingNeeded,
    DemoMailboxOpen,
    DemoMailboxCode { code: String },
    DemoMailboxEmpty,
    LookingForHelper,
    HelperAppeared,
    /// The browser refuses storage here: progress lasts only while the page stays open.
    ProgressInMemory,
    SwitchToConnected,
    HelperHeading,
    HelperOffer,
    HelperConnect { address: String },
    HelperConnecting,
    HelperNotReached { address: String, origin: String },
    HelperBlocked,
    HelperTooOld { version: String },
    HelperTooNew { version: String },
    HelperDownload,
    HelperDownloadFor { system: String, size: String },
    HelperStepsWindows,
    HelperStepsUnix,
    HelperChecksum { sha256: String },
    HelperOnPhone,
    HelperOtherSystems,
    HelperElsewhereLabel,
    HelperElsewhereHint,
    HelperOpenNewTab,
    HelperElsewhereInvalid,
    ShowGuideInstead,
    StepAnswers,
    AnswersExplain,
    AnswerLabel { number: u32 },
    ReadingQuestions,
    AnswersNeverSet,
    WrongAnswers,
    OtherQuestions,
    StepGuid,
    GuidExplain,
    GuidFileLabel,
    GuidUnusable,
    GuidChosen { name: String },
    GuidMismatch,
    ResetNotTaken,
    ResetUnconfirmed,
    ModeQuestionsExplain,
    ModeGuidExplain,
    PreventHeading,
    PreventEmailExplain,
    PreventEmailLabel,
    PreventEmailSave,
    PreventEmailInvalid,
    PreventQuestionsExplain,
    PreventQuestionsSave,
    PreventSaved,
    SyncHeading,
    SyncExplain,
    SyncButton,
    SyncPushing,
    SyncSummary { synced: u32, total: u32 },
    SyncNoCameras,
    SyncChannel { channel: u32 },
    SyncChannelAt { channel: u32, address: String },
    SyncChannelTook,
    SyncChannelOffline,
    SyncChannelRefused { reason: String },
    SyncChannelNoReason,
    SupportStepSend,
    SupportStepUse,
    SupportStepValidity,
    SupportEmailPrepare,
    SupportEmailSubject,
    SupportEmailBody { details: String },
    TranscriptSave,
    TranscriptExplain,
    ProbeSave,
    ProbeExplain,
    BatchColumn,
    BatchPick { model: String, serial: String },
    BatchHint,
    BatchStart { count: usize },
    BatchProgress { number: usize, total: usize, device: String },
    BatchLeave,
    BatchNext,
    BatchSummaryHeading,
    BatchSummaryExplain,
    BatchColumnResult,
    BatchContinue,
    BatchResume { model: String, serial: String },
    BatchEnd,
    BatchDone,
    BatchWaiting { until: String },
    BatchNotStarted,
    BatchSkipped,
    BatchFailedUnreachable,
    BatchFailedProof,
    BatchFailedLocked,
    BatchFailedNoRoute,
    BatchFailedPassword,
    BatchFailedBadAnswer,
    BatchFailedOther,
    BatchSamePassword,
    BatchPasswordFilled,
    BatchPasswordKept,
    GuidedIntro,
    GuideDoneThis,
    GuideOpenPage,
    GuideNvrMenu,
    GuideForgot,
    GuideChooseEmail,
    GuideNoEmail,
    GuidePrivacy,
    GuideExportQr,
    GuideNvrQr,
    GuideTypeCode,
    GuideCheckPassword,
    GuidePasswordGood,
    GuidePasswordNotYet,
    GuideTypePassword,
    GuideDone,
    Mac,
    BootTime,
    QrReaderHeading,
    QrReaderExplain,
    QrFileLabel,
    QrDropHint,
    QrReading,
    QrNoCode,
    QrIsReset,
    QrIsUrl,
    QrIsHikConnect,
    QrIsEmpty,
    QrIsOther,
    QrNotImage,
    QrDecoderStopped,
    QrNoWorker,
    CameraStart,
    CameraStop,
    CameraTorch,
    CameraLabel,
    CameraStarting,
    CameraLooking,
    CameraTimeUp,
    CameraUnavailable,
    CameraDenied,
    CameraNone,
    CameraFailed,
    SerialFromLabel,
    QrMailboxFromDevice,
    QrMailboxBuiltIn,
    ModeEmailGoesTo { address: String },
    FirmwareAnswerUnknown { detail: String },
    AnswersByPositionExplain,
}

/// The current language, shared through Leptos context.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// The sentence for `msg` in the current language (reactive: re-renders on a change).
    pub fn t(&self, msg: Msg) -> String {
        text(self.lang.get(), &msg).into_owned()
    }

    /// The current language.
    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    /// Switches the language; the page's `lang` and `dir` follow. In the browser a language
    /// not loaded yet is fetched first, and the page keeps its language if that fails.
    pub fn set_lang(&self, lang: Lang) {
        let current = self.lang;
        load::then_switch(lang, move || current.set(lang));
    }
}

impl Msg {
    /// Too many wrong codes, and how long the lock still lasts.
    pub fn locked_for(seconds_left: u64) -> Msg {
        Msg::LockedFor {
            minutes: seconds_left / 60,
            seconds: TwoDigits::of(seconds_left % 60),
        }
    }
}

/// The sentence for `msg` in `lang`, outside any reactive context (tests, attributes).
/// In the browser a language whose table has not been loaded reads as English.
pub fn text(lang: Lang, msg: &Msg) -> Cow<'static, str> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        match lang {
            Lang::En => en::text(msg),
            Lang::ZhCn => zh_cn::text(msg),
            Lang::Es => es::text(msg),
            Lang::PtBr => pt_br::text(msg),
            Lang::Fr => fr::text(msg),
            Lang::De => de::text(msg),
            Lang::Ru => ru::text(msg),
            Lang::Ar => ar::text(msg),
        }
    }
    #[cfg(target_arch = "wasm32")]
    {
        Cow::Owned(load::text(lang, msg))
    }
}

/// Puts the translation layer into context for the whole app, in the language the embedder
/// or the browser asks for, and keeps the page's `<html lang dir>` in step with it.
pub fn provide_i18n() -> I18n {
    let i18n = I18n {
        lang: RwSignal::new(load::page_language()),
    };
    provide_context(i18n);
    Effect::new(move |_| apply_to_page(i18n.lang.get()));
    i18n
}

/// Sets `lang` and `dir` on the document's `<html>` element.
fn apply_to_page(lang: Lang) {
    let root = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element());
    if let Some(root) = root {
        let _ = root.set_attribute("lang", lang.tag());
        let _ = root.set_attribute("dir", lang.dir());
    }
}

/// The translation layer from context; the app shell provides it before any step renders.
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n {
        lang: RwSignal::new(Lang::default()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::password::Strength as Level;

    fn s(text: &str) -> String {
        text.to_string()
    }

    /// Lists one sample of each `Msg` variant, and also matches over the same list: a variant
    /// without a sample makes that `match` non-exhaustive, so the tests stop compiling.
    macro_rules! every_msg {
        ($($variant:ident $({ $($field:ident : $value:expr),* $(,)? })?),* $(,)?) => {
            pub(super) fn samples() -> Vec<Msg> {
                vec![$(Msg::$variant $({ $($field: $value),* })?),*]
            }

            /// The position of `msg`'s variant in [`samples`].
            fn index(msg: &Msg) -> usize {
                let mut i = 0;
                $(
                    if matches!(msg, Msg::$variant { .. }) {
                        return i;
                    }
                    i += 1;
                )*
                unreachable!("{msg:?} has no sample ({i} samples)")
            }

            /// Never called: it only compiles while every variant is listed above.
            #[allow(dead_code)]
            fn every_variant_has_a_sample(msg: &Msg) {
                match msg {
                    $(Msg::$variant { .. } => {})*
                }
            }
        };
    }

    every_msg! {
        AppTitle,
        AppTagline,
        DemoBadge,
        StepDevice,
        LanHint,
        Searching,
        SearchAgain,
        NoDevicesFound,
        FoundDevices,
        ColumnModel,
        ColumnSerial,
        ColumnAddress,
        ColumnFirmware,
        ColumnStatus,
        FoundOn { adapter: s("eth0 (192.168.1.20)") },
        Activated,
        NotActivated,
        Choose,
        ChooseDevice { model: s("DS-2CD2143G2-I"), serial: s("DS-7608NI-K2/8P0820231234CCRRJ12345678") },
        AddressLabel,
        AddressHint,
        CheckDevice,
        AddressEmpty,
        AddressNotAnIp,
        AddressBadPort,
        AskingDevice { address: s("192.168.1.64:8443") },
        YourDevice,
        Model,
        Serial,
        Firmware,
        Address,
        NotReported,
        ResetModes,
        ModeEmail,
        ModeSecurityQuestions,
        ModeGuidFile,
        ModeHikConnect,
        ModeAvailable,
        ModeUnavailable,
        PasswordLength { min: 8, max: 16 },
        NotActivatedExplain,
        ProxyUnreachable,
        ProxyRefused { detail: s("bad XML at line 3") },
        DeviceUnreachable { address: s("192.168.1.64:8443") },
        DeviceTimeout { address: s("192.168.1.64:8443") },
        DeviceAnswerTooLarge,
        DeviceGarbage { detail: s("bad XML at line 3") },
        DeviceStatus { status: 503 },
        TargetNotAllowed,
        DiscoveryFailed,
        TryAgain,
        StepsLabel,
        StepOf { number: 3, total: 7 },
        StepMode,
        StepPrivacy,
        StepQr,
        StepCode,
        StepPassword,
        StepProof,
        Back,
        Continue,
        Cancel,
        ReadingDevice,
        ResetThisDevice,
        ModeEmailExplain,
        ModeEmailMissing,
        ModeLater,
        SupportHeading,
        SupportExplain,
        CopyDetails,
        CopyAddress,
        Copied,
        CopyFailed,
        PrivacyWhat,
        PrivacyWho,
        PrivacyKept,
        PrivacyAccept,
        QrExplain,
        QrExport,
        QrExporting,
        QrTooLong,
        QrExportedAt { when: s("12 March 2025, 09:41") },
        QrExportAgain,
        QrExportAgainWarning,
        QrExportAgainConfirm,
        QrImageLabel,
        QrDownload,
        QrSendTo,
        QrWriteEmail,
        QrAttach { file: s("reset-qr.png") },
        QrWait,
        QrValidity,
        HaveCode,
        EmailSubject { serial: s("DS-7608NI-K2/8P0820231234CCRRJ12345678") },
        EmailBody { serial: s("DS-7608NI-K2/8P0820231234CCRRJ12345678") },
        CodeLabel,
        CodeHint,
        CodeEmpty,
        PlainHttpNotice,
        WrongCode,
        WrongCodeTriesLeft { left: 4 },
        ExpiredCode,
        Locked,
        LockedFor { minutes: 2, seconds: TwoDigits::of(5) },
        DeviceStarting,
        DeviceSaid { detail: s("bad XML at line 3") },
        NewPasswordLabel,
        ConfirmPasswordLabel,
        PasswordsMatch,
        PasswordsDiffer,
        ShowPassword,
        RuleLength { min: 8, max: 16 },
        RuleAllowedCharacters,
        RuleForbidden { characters: s("\" :") },
        RuleTwoClasses,
        RuleNotUsername,
        RuleNotReversedUsername,
        RuleNoUsernameInside,
        RuleNotRisky,
        RuleMet,
        RuleNotMet,
        Strength { level: Level::Strong },
        ResetPassword,
        Resetting,
        PasswordIllegal,
        PasswordRisky,
        PasswordSameAsOld,
        PasswordTooLongDevice,
        ResetAccepted,
        Proving,
        Proven,
        NotProven,
        ResetAnother,
        NoReservedEmail,
        TooManyAttempts { minutes: 15 },
        ProxyBusy,
        CertificateChanged,
        TlsFailed,
        OpenFromProxy,
        PairingNeeded,
        DemoMailboxOpen,
        DemoMailboxCode { code: s("AB12CD34") },
        DemoMailboxEmpty,
        LookingForHelper,
        HelperAppeared,
        ProgressInMemory,
        SwitchToConnected,
        HelperHeading,
        HelperOffer,
        HelperConnect { address: s("http://127.0.0.1:8080") },
        HelperConnecting,
        HelperNotReached { address: s("http://127.0.0.1:8080"), origin: s("https://wizard.example") },
        HelperBlocked,
        HelperTooOld { version: s("0.0.9") },
        HelperTooNew { version: s("9.0.0") },
        HelperDownload,
        HelperDownloadFor { system: s("Windows"), size: s("3.1 MB") },
        HelperStepsWindows,
        HelperStepsUnix,
        HelperChecksum { sha256: s("0123abcd") },
        HelperOnPhone,
        HelperOtherSystems,
        HelperElsewhereLabel,
        HelperElsewhereHint,
        HelperOpenNewTab,
        HelperElsewhereInvalid,
        ShowGuideInstead,
        StepAnswers,
        AnswersExplain,
        AnswerLabel { number: 2 },
        ReadingQuestions,
        AnswersNeverSet,
        WrongAnswers,
        OtherQuestions,
        StepGuid,
        GuidExplain,
        GuidFileLabel,
        GuidUnusable,
        GuidChosen { name: s("nvr-guid.bin") },
        GuidMismatch,
        ResetNotTaken,
        ResetUnconfirmed,
        ModeQuestionsExplain,
        ModeGuidExplain,
        PreventHeading,
        PreventEmailExplain,
        PreventEmailLabel,
        PreventEmailSave,
        PreventEmailInvalid,
        PreventQuestionsExplain,
        PreventQuestionsSave,
        PreventSaved,
        SyncHeading,
        SyncExplain,
        SyncButton,
        SyncPushing,
        SyncSummary { synced: 2, total: 3 },
        SyncNoCameras,
        SyncChannel { channel: 4 },
        SyncChannelAt { channel: 5, address: s("192.168.254.6") },
        SyncChannelTook,
        SyncChannelOffline,
        SyncChannelRefused { reason: s("passwordError") },
        SyncChannelNoReason,
        SupportStepSend,
        SupportStepUse,
        SupportStepValidity,
        SupportEmailPrepare,
        SupportEmailSubject,
        SupportEmailBody { details: s("Serial number: DS-1") },
        TranscriptSave,
        TranscriptExplain,
        ProbeSave,
        ProbeExplain,
        BatchColumn,
        BatchPick { model: s("DS-2CD2143G2-I"), serial: s("DS-2CD2143G2-I20231234AAWRJ12345678") },
        BatchHint,
        BatchStart { count: 3 },
        BatchProgress { number: 2, total: 3, device: s("DS-2CD2143G2-I (DS-2CD2143G2-I20231234AAWRJ12345678)") },
        BatchLeave,
        BatchNext,
        BatchSummaryHeading,
        BatchSummaryExplain,
        BatchColumnResult,
        BatchContinue,
        BatchResume { model: s("DS-2CD2143G2-I"), serial: s("DS-2CD2143G2-I20231234AAWRJ12345678") },
        BatchEnd,
        BatchDone,
        BatchWaiting { until: s("24/12/2026, 10:15:00") },
        BatchNotStarted,
        BatchSkipped,
        BatchFailedUnreachable,
        BatchFailedProof,
        BatchFailedLocked,
        BatchFailedNoRoute,
        BatchFailedPassword,
        BatchFailedBadAnswer,
        BatchFailedOther,
        BatchSamePassword,
        BatchPasswordFilled,
        BatchPasswordKept,
        GuidedIntro,
        GuideDoneThis,
        GuideOpenPage,
        GuideNvrMenu,
        GuideForgot,
        GuideChooseEmail,
        GuideNoEmail,
        GuidePrivacy,
        GuideExportQr,
        GuideNvrQr,
        GuideTypeCode,
        GuideCheckPassword,
        GuidePasswordGood,
        GuidePasswordNotYet,
        GuideTypePassword,
        GuideDone,
        Mac,
        BootTime,
        QrReaderHeading,
        QrReaderExplain,
        QrFileLabel,
        QrDropHint,
        QrReading,
        QrNoCode,
        QrIsReset,
        QrIsUrl,
        QrIsHikConnect,
        QrIsEmpty,
        QrIsOther,
        QrNotImage,
        QrDecoderStopped,
        QrNoWorker,
        CameraStart,
        CameraStop,
        CameraTorch,
        CameraLabel,
        CameraStarting,
        CameraLooking,
        CameraTimeUp,
        CameraUnavailable,
        CameraDenied,
        CameraNone,
        CameraFailed,
        SerialFromLabel,
        QrMailboxFromDevice,
        QrMailboxBuiltIn,
        ModeEmailGoesTo { address: s("o****@example.com") },
        FirmwareAnswerUnknown { detail: s("the reset QR code answer has no qrCode field") },
        AnswersByPositionExplain,
    }

    /// Texts that may legitimately equal the English one in a language. Kept empty: every
    /// language words even "Firmware" or "Status" its own way, and brand names always sit
    /// inside a sentence. Add a pair here only for a bare name that has no translation
    /// (such as a lone "QR", "PNG" or "MAC"), with the reason.
    const SAME_AS_ENGLISH: &[(Lang, usize)] = &[];

    #[test]
    fn samples_cover_every_variant_once() {
        let samples = samples();
        for (i, msg) in samples.iter().enumerate() {
            assert_eq!(index(msg), i, "{msg:?} is listed twice");
        }
        every_variant_has_a_sample(&samples[0]);
    }

    #[test]
    fn every_language_translates_every_message() {
        for lang in Lang::ALL.into_iter().filter(|&l| l != Lang::En) {
            for msg in samples() {
                let english = text(Lang::En, &msg);
                let translated = text(lang, &msg);
                assert!(!translated.trim().is_empty(), "{lang:?}: {msg:?} is empty");
                let allowed = SAME_AS_ENGLISH.contains(&(lang, index(&msg)));
                assert!(
                    allowed || translated != english,
                    "{lang:?}: {msg:?} is still the English text {english:?}"
                );
            }
        }
    }

    #[test]
    fn english_has_no_empty_text() {
        for msg in samples() {
            assert!(!text(Lang::En, &msg).trim().is_empty(), "{msg:?} is empty");
        }
    }

    #[test]
    fn every_strength_level_is_translated() {
        let levels = [Level::Risky, Level::Weak, Level::Medium, Level::Strong];
        for lang in Lang::ALL {
            let texts: Vec<_> = levels
                .iter()
                .map(|&level| text(lang, &Msg::Strength { level }))
                .collect();
            for (i, a) in texts.iter().enumerate() {
                for b in &texts[i + 1..] {
                    assert_ne!(a, b, "{lang:?}: two strength levels read the same");
                }
                if lang != Lang::En {
                    assert_ne!(*a, text(Lang::En, &Msg::Strength { level: levels[i] }));
                }
            }
        }
    }

    /// The values a message carries, as they must appear in its text in every language.
    fn shown_values(msg: &Msg) -> Vec<String> {
        use Msg::*;
        match msg {
            ChooseDevice { model, serial }
            | BatchPick { model, serial }
            | BatchResume { model, serial } => vec![model.clone(), serial.clone()],
            BatchStart { count } => vec![count.to_string()],
            BatchProgress {
                number,
                total,
                device,
            } => vec![number.to_string(), total.to_string(), device.clone()],
            BatchWaiting { until } => vec![until.clone()],
            FoundOn { adapter } => vec![adapter.clone()],
            AskingDevice { address }
            | DeviceUnreachable { address }
            | DeviceTimeout { address } => {
                vec![address.clone()]
            }
            PasswordLength { min, max } | RuleLength { min, max } => {
                vec![min.to_string(), max.to_string()]
            }
            ProxyRefused { detail }
            | DeviceGarbage { detail }
            | DeviceSaid { detail }
            | FirmwareAnswerUnknown { detail } => {
                vec![detail.clone()]
            }
            ModeEmailGoesTo { address } => vec![address.clone()],
            DeviceStatus { status } => vec![status.to_string()],
            StepOf { number, total } => vec![number.to_string(), total.to_string()],
            QrExportedAt { when } => vec![when.clone()],
            QrAttach { file } => vec![file.clone()],
            EmailSubject { serial } | EmailBody { serial } => vec![serial.clone()],
            WrongCodeTriesLeft { left } => vec![left.to_string()],
            LockedFor { minutes, seconds } => vec![minutes.to_string(), seconds.to_string()],
            RuleForbidden { characters } => vec![characters.clone()],
            TooManyAttempts { minutes } => vec![minutes.to_string()],
            DemoMailboxCode { code } => vec![code.clone()],
            SyncSummary { synced, total } => vec![synced.to_string(), total.to_string()],
            SyncChannel { channel } => vec![channel.to_string()],
            SyncChannelAt { channel, address } => vec![channel.to_string(), address.clone()],
            SyncChannelRefused { reason } => vec![reason.clone()],
            _ => Vec::new(),
        }
    }

    #[test]
    fn placeholders_are_filled_in_every_language() {
        for lang in Lang::ALL {
            for msg in samples() {
                let shown = text(lang, &msg);
                assert!(
                    !shown.contains('{'),
                    "{lang:?}: {msg:?} left a placeholder: {shown}"
                );
                for value in shown_values(&msg) {
                    assert!(
                        shown.contains(&value),
                        "{lang:?}: {msg:?} does not show {value:?}: {shown}"
                    );
                }
            }
        }
    }

    #[test]
    fn numbers_are_shown_in_every_language() {
        let cases = [
            (Msg::DeviceStatus { status: 429 }, vec!["429"]),
            (
                Msg::StepOf {
                    number: 2,
                    total: 6,
                },
                vec!["2", "6"],
            ),
            (Msg::PasswordLength { min: 8, max: 16 }, vec!["8", "16"]),
            (Msg::RuleLength { min: 9, max: 15 }, vec!["9", "15"]),
            (Msg::WrongCodeTriesLeft { left: 3 }, vec!["3"]),
            (Msg::TooManyAttempts { minutes: 27 }, vec!["27"]),
            (
                Msg::SyncSummary {
                    synced: 7,
                    total: 16,
                },
                vec!["7", "16"],
            ),
            (Msg::locked_for(605), vec!["10", "05"]),
            (Msg::locked_for(59), vec!["0", "59"]),
        ];
        for lang in Lang::ALL {
            for (msg, numbers) in &cases {
                let shown = text(lang, msg);
                for number in numbers {
                    assert!(
                        shown.contains(number),
                        "{lang:?}: {msg:?} lacks {number}: {shown}"
                    );
                }
            }
        }
    }

    #[test]
    fn device_unreachable_names_the_address() {
        let address = "10.20.30.40:8080";
        for lang in Lang::ALL {
            let msg = Msg::DeviceUnreachable {
                address: address.to_string(),
            };
            assert!(text(lang, &msg).contains(address), "{lang:?}");
        }
    }

    #[test]
    fn tags_are_read_leniently() {
        let cases = [
            ("en", Some(Lang::En)),
            ("en-US", Some(Lang::En)),
            ("EN-gb", Some(Lang::En)),
            ("zh", Some(Lang::ZhCn)),
            ("zh-Hans", Some(Lang::ZhCn)),
            ("zh-CN", Some(Lang::ZhCn)),
            ("zh-cn", Some(Lang::ZhCn)),
            ("zh-SG", Some(Lang::ZhCn)),
            ("zh-Hans-CN", Some(Lang::ZhCn)),
            ("zh_CN", Some(Lang::ZhCn)),
            ("zh-TW", None),
            ("zh-Hant", None),
            ("zh-HK", None),
            ("es", Some(Lang::Es)),
            ("es-419", Some(Lang::Es)),
            ("es-ES", Some(Lang::Es)),
            ("pt", Some(Lang::PtBr)),
            ("pt-BR", Some(Lang::PtBr)),
            ("pt-br", Some(Lang::PtBr)),
            ("pt-PT", Some(Lang::PtBr)),
            ("fr", Some(Lang::Fr)),
            ("fr-CA", Some(Lang::Fr)),
            ("de", Some(Lang::De)),
            ("de-AT", Some(Lang::De)),
            ("ru", Some(Lang::Ru)),
            ("RU-ru", Some(Lang::Ru)),
            ("ar", Some(Lang::Ar)),
            ("ar-EG", Some(Lang::Ar)),
            (" fr ", Some(Lang::Fr)),
            ("it", None),
            ("", None),
            ("english", None),
            ("e", None),
        ];
        for (tag, lang) in cases {
            assert_eq!(Lang::from_tag(tag), lang, "{tag:?}");
        }
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
        }
    }

    #[test]
    fn only_arabic_is_right_to_left() {
        for lang in Lang::ALL {
            assert_eq!(lang.is_rtl(), lang == Lang::Ar, "{lang:?}");
            assert_eq!(lang.dir(), if lang == Lang::Ar { "rtl" } else { "ltr" });
        }
    }

    #[test]
    fn query_names_the_language() {
        assert_eq!(lang_in_query("?lang=ar"), Some(Lang::Ar));
        assert_eq!(lang_in_query("?step=2&lang=pt-BR&x=1"), Some(Lang::PtBr));
        assert_eq!(lang_in_query("?language=fr"), None);
        assert_eq!(lang_in_query("?lang=xx"), None);
        assert_eq!(lang_in_query(""), None);
    }

    #[test]
    fn all_lists_each_language_once() {
        for (i, a) in Lang::ALL.iter().enumerate() {
            assert!(!Lang::ALL[i + 1..].contains(a));
        }
        assert_eq!(Lang::ALL[0], Lang::default());
    }
}

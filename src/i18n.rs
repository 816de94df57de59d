//! The translation layer: every sentence a person sees is a [`Msg`], rendered per language
//! from a JSON table of templates (message name → sentence with `{field}` placeholders).
//!
//! The tables are the only source of the texts: English, `src/i18n/en.json`, is built into
//! the wasm; any other language, `public/i18n/<tag>.json`, is fetched before the page shows
//! anything, so the first load carries one language and no per-language code. A native test
//! (`check.rs`) holds every table to `Msg`: the same keys, the same placeholders.

mod load;
mod plural;
mod template;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod check;

pub use load::with_page_language;

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
    crate::wizard::route::query_pairs(search)
        .filter(|(key, _)| key == "lang")
        .find_map(|(_, value)| Lang::from_tag(&value))
}

/// Declares [`Msg`] and, from the same list, each message's key and values for the
/// translation tables. A field marked `#[count]` is a number of things: each language gives
/// a phrase per plural category for it (`"WrongCodeTriesLeft.left.one": "{left} try"`).
macro_rules! messages {
    ($($(#[$doc:meta])* $variant:ident $({ $($(#[$count:ident])? $field:ident : $ty:ty),* $(,)? })?),* $(,)?) => {
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

        /// Every message with its fields, for the checks of the tables.
        #[cfg(all(test, not(target_arch = "wasm32")))]
        const MSG_SPECS: &[check::MsgSpec] = &[$(check::MsgSpec {
            name: stringify!($variant),
            fields: &[$($(check::FieldSpec {
                name: stringify!($field),
                choices: <$ty as template::FieldKind>::CHOICES,
                count: counted!($($count)?),
            }),*)?],
        }),*];

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
        }
    };
}

/// Whether a field of [`messages!`] is marked `#[count]`.
/// Only the native checks read it.
#[cfg(all(test, not(target_arch = "wasm32")))]
macro_rules! counted {
    () => {
        false
    };
    (count) => {
        true
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
    PasswordLength { min: u32, #[count] max: u32 },
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
    WrongCodeTriesLeft { #[count] left: u32 },
    ExpiredCode,
    Locked,
    LockedFor { #[count] minutes: u64, #[count] seconds: u64 },
    DeviceStarting,
    DeviceSaid { detail: String },
    NewPasswordLabel,
    ConfirmPasswordLabel,
    PasswordsMatch,
    PasswordsDiffer,
    ShowPassword,
    RuleLength { min: u32, #[count] max: u32 },
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
    TooManyAttempts { #[count] minutes: u64 },
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
    SyncSummary { synced: u32, #[count] total: u32 },
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
    BatchStart { #[count] count: usize },
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
            seconds: seconds_left % 60,
        }
    }
}

/// The sentence for `msg` in `lang`, outside any reactive context (tests, attributes).
/// In the browser a language whose table has not been loaded reads as English.
pub fn text(lang: Lang, msg: &Msg) -> Cow<'static, str> {
    Cow::Owned(load::text(lang, msg))
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

/// The sentence for `msg` in the language shown, following every change of language: what a
/// view puts where a sentence goes.
pub fn tr(msg: Msg) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || i18n.t(msg.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_takes_its_plural_form() {
        let en = |left| text(Lang::En, &Msg::WrongCodeTriesLeft { left });
        assert!(en(1).contains("1 try is left"), "{}", en(1));
        assert!(en(3).contains("3 tries are left"), "{}", en(3));
        let ru = |minutes| text(Lang::Ru, &Msg::TooManyAttempts { minutes });
        assert!(ru(1).contains("1 минуту"), "{}", ru(1));
        assert!(ru(3).contains("3 минуты"), "{}", ru(3));
        assert!(ru(11).contains("11 минут"), "{}", ru(11));
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
            (Msg::WrongCodeTriesLeft { left: 3 }, vec!["3"]),
            (Msg::TooManyAttempts { minutes: 27 }, vec!["27"]),
            (Msg::locked_for(605), vec!["10", "5"]),
            (Msg::locked_for(59), vec!["59"]),
        ];
        for lang in Lang::ALL {
            for (msg, numbers) in &cases {
                let shown = text(lang, msg);
                assert!(
                    !shown.contains('{'),
                    "{lang:?}: {msg:?} left a placeholder: {shown}"
                );
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
    fn right_to_left_keeps_latin_values_whole() {
        let msg = Msg::HelperNotReached {
            address: "http://127.0.0.1:8080".into(),
            origin: "https://help.example".into(),
        };
        let shown = text(Lang::Ar, &msg);
        assert!(
            shown.contains("\u{2068}https://help.example\u{2069}"),
            "{shown}"
        );
        assert!(!text(Lang::Fr, &msg).contains('\u{2068}'));
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
        assert_eq!(lang_in_query("?lang=zh%2DCN"), Some(Lang::ZhCn));
        assert_eq!(lang_in_query("?lang=pt_BR&lang=fr"), Some(Lang::PtBr));
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

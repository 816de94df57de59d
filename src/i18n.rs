//! The translation layer: every sentence a person sees is a [`Msg`], rendered per language.
//! A small layer of our own instead of fluent: an exhaustive `match` per language makes a
//! missing translation a compile error, and it adds almost nothing to the wasm bundle.

mod en;

use leptos::prelude::*;
use std::borrow::Cow;

/// The languages the wizard speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English, the reference language.
    #[default]
    En,
}

impl Lang {
    /// The BCP 47 tag for the page's `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
        }
    }
}

/// Everything the wizard says, by meaning; values are filled into the sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
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
    WrongCode,
    WrongCodeTriesLeft { left: u32 },
    ExpiredCode,
    Locked,
    LockedFor { seconds: u64 },
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
    DemoMailboxOpen,
    DemoMailboxCode { code: String },
    DemoMailboxEmpty,
    LookingForHelper,
    HelperAppeared,
    SwitchToConnected,
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
}

/// The sentence for `msg` in `lang`, outside any reactive context (tests, attributes).
pub fn text(lang: Lang, msg: &Msg) -> Cow<'static, str> {
    match lang {
        Lang::En => en::text(msg),
    }
}

/// Puts the translation layer into context for the whole app.
pub fn provide_i18n() -> I18n {
    let i18n = I18n {
        lang: RwSignal::new(Lang::default()),
    };
    provide_context(i18n);
    i18n
}

/// The translation layer from context; the app shell provides it before any step renders.
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n {
        lang: RwSignal::new(Lang::default()),
    })
}

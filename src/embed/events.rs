//! The events a host page receives from the wizard in its frame, in a versioned envelope:
//! `{"source":"reset-wizard","version":1,"type":…,"detail":{…}}`. Their fields are typed so
//! that none can carry a code, password, QR content, serial or MAC: only step names, modes,
//! languages, error codes, a height, and the wizard's translated name.

use crate::problem::ProblemName;
use crate::wizard::progress::Step;
use serde_json::{json, Value};

/// Bumped when an event's meaning or fields change incompatibly.
pub const EVENT_VERSION: u32 = 1;

/// What the envelope's `source` says, so a host can tell our messages from others.
pub const EVENT_SOURCE: &str = "reset-wizard";

/// One message to the host page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostEvent {
    /// The wizard is on screen and knows whether it is connected or guiding.
    Ready {
        /// `connected` or `guided`.
        mode: &'static str,
        /// The language shown (BCP 47).
        lang: &'static str,
        /// The wizard's name in that language, for the frame's accessible name.
        title: String,
    },
    /// A step came on screen.
    Step {
        /// The step.
        step: Step,
        /// `connected` or `guided`.
        mode: &'static str,
    },
    /// The reset is finished (the device took the new password, or the guide reached its end).
    Done {
        /// `connected` or `guided`.
        mode: &'static str,
    },
    /// An error was shown to the person; `code` is a stable name, never the sentence.
    Error {
        /// A short error name such as `device_unreachable`.
        code: ProblemName,
    },
    /// The page's height changed: the frame should be this tall (CSS pixels).
    Resize {
        /// Height in CSS pixels.
        height: u32,
    },
}

impl HostEvent {
    fn kind(&self) -> &'static str {
        match self {
            HostEvent::Ready { .. } => "ready",
            HostEvent::Step { .. } => "step",
            HostEvent::Done { .. } => "done",
            HostEvent::Error { .. } => "error",
            HostEvent::Resize { .. } => "resize",
        }
    }

    fn detail(&self) -> Value {
        match self {
            HostEvent::Ready { mode, lang, title } => {
                json!({ "mode": mode, "lang": lang, "title": title })
            }
            &HostEvent::Step { step, mode } => json!({
                "step": step.slug(),
                "number": step.number(),
                "total": Step::ALL.len(),
                "mode": mode,
            }),
            HostEvent::Done { mode } => json!({ "mode": mode }),
            HostEvent::Error { code } => json!({ "code": code }),
            HostEvent::Resize { height } => json!({ "height": height }),
        }
    }

    /// The whole message as JSON.
    pub fn envelope(&self) -> Value {
        json!({
            "source": EVENT_SOURCE,
            "version": EVENT_VERSION,
            "type": self.kind(),
            "detail": self.detail(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_is_versioned_and_names_its_source() {
        let events = [
            HostEvent::Ready {
                mode: "guided",
                lang: "ar",
                title: "معالج إعادة تعيين كلمة المرور".into(),
            },
            HostEvent::Step {
                step: Step::Code,
                mode: "connected",
            },
            HostEvent::Done { mode: "connected" },
            HostEvent::Error {
                code: ProblemName::DeviceUnreachable,
            },
            HostEvent::Resize { height: 812 },
        ];
        for event in &events {
            let envelope = event.envelope();
            assert_eq!(envelope["source"], "reset-wizard");
            assert_eq!(envelope["version"], 1);
            assert_eq!(envelope["type"], event.kind());
            assert!(envelope["detail"].is_object());
        }
        assert_eq!(
            HostEvent::Step {
                step: Step::Code,
                mode: "connected"
            }
            .envelope()["detail"],
            json!({"step": "code", "number": 5, "total": 7, "mode": "connected"})
        );
        assert_eq!(
            HostEvent::Error {
                code: ProblemName::DeviceUnreachable
            }
            .envelope()["detail"],
            json!({"code": "device_unreachable"})
        );
    }
}

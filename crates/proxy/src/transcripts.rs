//! Support transcripts: every forwarded exchange, redacted by `protocol::transcript` as it
//! happens, kept per wizard session for `GET /api/v1/transcript` and, with `--record FILE`,
//! written to a file. Only redacted text is ever stored; memory is bounded.

use crate::sessions::SessionId;
use protocol::profile::DeviceProfile;
use protocol::transcript::{Exchange, RawExchange, Redactor, Transcript};
use std::collections::{HashMap, VecDeque};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Redacted bytes kept per session; the transcript ends there and says so.
const SESSION_BUDGET: usize = 256 * 1024;
/// Sessions whose transcripts are kept at once; the oldest goes first.
const MAX_SESSIONS: usize = 256;
/// Redacted bytes kept for all sessions together; past it the oldest sessions' transcripts go
/// (256 sessions at their own budget would be 64 MiB, more than the proxy's whole memory goal).
const TOTAL_BUDGET: usize = 16 * 1024 * 1024;
/// Redacted bytes kept for a `--record` file written as one JSON document.
const FILE_BUDGET: usize = 16 * 1024 * 1024;

/// Where `--record` writes, and in which form (by the file name's extension).
#[derive(Debug)]
enum RecordFile {
    /// `.json`: one document, rewritten after each exchange (kept whole in memory).
    Document {
        path: PathBuf,
        exchanges: Vec<Exchange>,
        bytes: usize,
        truncated: bool,
    },
    /// Anything else: one exchange per line, appended.
    Lines(std::fs::File),
}

struct SessionTranscript {
    redactor: Redactor,
    exchanges: Vec<Exchange>,
    bytes: usize,
    truncated: bool,
}

/// The sessions with a transcript, oldest first; the map lock is held only to find one, so
/// redaction (the costly part) runs under the session's own lock, in parallel across sessions.
#[derive(Default)]
struct Index {
    next: u32,
    map: HashMap<SessionId, Arc<Mutex<SessionTranscript>>>,
    order: VecDeque<SessionId>,
    /// Bytes kept by the sessions in `map`.
    bytes: usize,
}

impl Index {
    /// Forgets the oldest session's transcript, and its bytes.
    fn drop_oldest(&mut self) {
        let Some(oldest) = self.order.pop_front() else {
            return;
        };
        if let Some(gone) = self.map.remove(&oldest) {
            let gone = gone.lock().unwrap_or_else(|p| p.into_inner());
            self.bytes = self.bytes.saturating_sub(gone.bytes);
        }
    }
}

/// All sessions' transcripts, and the record file.
pub struct Transcripts {
    profile: DeviceProfile,
    sessions: Mutex<Index>,
    file: Option<Mutex<RecordFile>>,
}

impl Transcripts {
    /// Keeps transcripts redacted with `profile`'s field names; with `record`, also writes them.
    pub fn new(profile: DeviceProfile, record: Option<&Path>) -> std::io::Result<Self> {
        let file = match record {
            None => None,
            Some(path) if path.extension().is_some_and(|e| e == "json") => {
                let file = RecordFile::Document {
                    path: path.to_owned(),
                    exchanges: Vec::new(),
                    bytes: 0,
                    truncated: false,
                };
                write_document(path, &[], false)?;
                Some(Mutex::new(file))
            }
            Some(path) => Some(Mutex::new(RecordFile::Lines(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)?,
            ))),
        };
        Ok(Transcripts {
            profile,
            sessions: Mutex::new(Index::default()),
            file,
        })
    }

    /// Redacts one exchange of `session` and keeps it (and writes it, when recording). Once the
    /// session's budget is spent, or its redactor keeps as many secrets as it may, the session's
    /// transcript ends, marked truncated: later exchanges are neither redacted (so nothing more
    /// is learnt) nor kept nor written.
    pub fn record(&self, session: &SessionId, raw: &RawExchange<'_>) {
        let transcript = self.session(session);
        let kept = {
            let mut transcript = transcript.lock().unwrap_or_else(|p| p.into_inner());
            if transcript.truncated {
                return;
            }
            let exchange = transcript.redactor.redact(raw);
            let size = size_of(&exchange);
            // A full redactor may have left a secret of this exchange unswept: drop it whole.
            if transcript.bytes + size <= SESSION_BUDGET && !transcript.redactor.is_full() {
                transcript.bytes += size;
                transcript.exchanges.push(exchange.clone());
                Some(exchange)
            } else {
                transcript.truncated = true;
                None
            }
        };
        if let Some(exchange) = &kept {
            // Session locks are never held while taking the index's: no lock-order cycle.
            let mut index = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
            // A session dropped meanwhile no longer counts (its bytes went with it).
            if index.map.contains_key(session) {
                index.bytes += size_of(exchange);
            }
            while index.bytes > TOTAL_BUDGET && index.order.front() != Some(session) {
                index.drop_oldest();
            }
        }
        if let Some(file) = &self.file {
            let mut file = file.lock().unwrap_or_else(|p| p.into_inner());
            if let Err(err) = write_exchange(&mut file, kept) {
                tracing::warn!(%err, "could not write the transcript file");
            }
        }
    }

    /// The transcript of `session`, made (and the oldest dropped, past the limit) when new.
    fn session(&self, session: &SessionId) -> Arc<Mutex<SessionTranscript>> {
        let mut index = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(found) = index.map.get(session) {
            return found.clone();
        }
        while index.order.len() >= MAX_SESSIONS {
            index.drop_oldest();
        }
        index.next += 1;
        let made = Arc::new(Mutex::new(SessionTranscript {
            redactor: Redactor::new(&self.profile, index.next),
            exchanges: Vec::new(),
            bytes: 0,
            truncated: false,
        }));
        index.map.insert(session.clone(), made.clone());
        index.order.push_back(session.clone());
        made
    }

    /// The redacted transcript of `session` (empty when it made no device call).
    pub fn of(&self, session: &SessionId) -> Transcript {
        let found = self
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .map
            .get(session)
            .cloned();
        match found {
            Some(t) => {
                let t = t.lock().unwrap_or_else(|p| p.into_inner());
                Transcript::new(t.exchanges.clone(), t.truncated)
            }
            None => Transcript::new(Vec::new(), false),
        }
    }
}

fn size_of(exchange: &Exchange) -> usize {
    exchange.path.len() + exchange.request_body.len() + exchange.response_body.len() + 256
}

/// Writes one kept exchange, or (`None`) notes that a session's transcript ended early: the
/// document says it was truncated; JSON lines have no place to say so.
fn write_exchange(file: &mut RecordFile, exchange: Option<Exchange>) -> std::io::Result<()> {
    match (file, exchange) {
        (RecordFile::Lines(_), None) => Ok(()),
        (RecordFile::Lines(out), Some(exchange)) => {
            let mut line = serde_json::to_string(&exchange).map_err(std::io::Error::other)?;
            line.push('\n');
            out.write_all(line.as_bytes())
        }
        (
            RecordFile::Document {
                path,
                exchanges,
                bytes,
                truncated,
            },
            exchange,
        ) => {
            match exchange {
                Some(exchange) if *bytes + size_of(&exchange) <= FILE_BUDGET => {
                    *bytes += size_of(&exchange);
                    exchanges.push(exchange);
                }
                _ => *truncated = true,
            }
            write_document(path, exchanges, *truncated)
        }
    }
}

/// Writes the whole document beside the file, then moves it over, so a reader never sees half.
fn write_document(path: &Path, exchanges: &[Exchange], truncated: bool) -> std::io::Result<()> {
    let text = Transcript::new(exchanges.to_vec(), truncated).to_json();
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    std::fs::write(&partial, text)?;
    std::fs::rename(&partial, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(body: &[u8]) -> RawExchange<'_> {
        RawExchange {
            method: "GET",
            path_and_query: "/SDK/activateStatus",
            request_content_type: None,
            request_body: b"",
            authorization: None,
            status: 200,
            content_type: Some("application/xml"),
            response_body: body,
            set_cookies: &[],
        }
    }

    fn session(n: usize) -> SessionId {
        let header = format!("reset_session={}", format!("{n:04x}").repeat(16));
        SessionId::from_cookie_header(&header).unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn memory_is_bounded_per_session_and_in_sessions() {
        let transcripts =
            Transcripts::new(DeviceProfile::default(), None).unwrap_or_else(|_| unreachable!());
        let big = vec![b'x'; 60 * 1024];
        for _ in 0..6 {
            transcripts.record(&session(0), &raw(&big));
        }
        let first = transcripts.of(&session(0));
        assert!(first.truncated);
        assert_eq!(first.exchanges.len(), 4);
        for n in 1..=MAX_SESSIONS {
            transcripts.record(&session(n), &raw(b"<a/>"));
        }
        assert!(
            transcripts.of(&session(0)).exchanges.is_empty(),
            "the oldest went"
        );
        assert_eq!(transcripts.of(&session(1)).exchanges.len(), 1);
        assert_eq!(transcripts.of(&session(1)).exchanges[0].session, 2);
    }

    #[test]
    fn all_sessions_together_keep_a_bounded_number_of_bytes() {
        let transcripts =
            Transcripts::new(DeviceProfile::default(), None).unwrap_or_else(|_| unreachable!());
        let big = vec![b'x'; 60 * 1024];
        let sessions = 2 * TOTAL_BUDGET / (3 * big.len()) + 1;
        for n in 0..sessions {
            for _ in 0..3 {
                transcripts.record(&session(n), &raw(&big));
            }
        }
        let kept = transcripts
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .bytes;
        assert!(kept <= TOTAL_BUDGET, "{kept} bytes kept");
        assert!(
            transcripts.of(&session(0)).exchanges.is_empty(),
            "the oldest went"
        );
        assert_eq!(transcripts.of(&session(sessions - 1)).exchanges.len(), 3);
    }

    fn kept_secrets(transcripts: &Transcripts, id: &SessionId) -> usize {
        let transcript = transcripts.session(id);
        let transcript = transcript.lock().unwrap_or_else(|p| p.into_inner());
        transcript.redactor.kept_count()
    }

    #[test]
    fn once_the_budget_is_spent_nothing_more_is_learnt() {
        let transcripts =
            Transcripts::new(DeviceProfile::default(), None).unwrap_or_else(|_| unreachable!());
        let padding = "x".repeat(30 * 1024);
        for n in 0..200 {
            let body = format!("{{\"password\":\"pw-{n:04}-secret\",\"pad\":\"{padding}\"}}");
            transcripts.record(&session(0), &raw(body.as_bytes()));
        }
        let transcript = transcripts.of(&session(0));
        assert!(transcript.truncated);
        let recorded = transcript.exchanges.len();
        assert!((1..200).contains(&recorded), "{recorded}");
        assert!(
            kept_secrets(&transcripts, &session(0)) <= 3 * recorded,
            "{} secrets kept for {recorded} exchanges",
            kept_secrets(&transcripts, &session(0))
        );
    }

    #[test]
    fn a_full_secret_store_ends_the_transcript_and_what_was_recorded_stays_redacted() {
        let transcripts =
            Transcripts::new(DeviceProfile::default(), None).unwrap_or_else(|_| unreachable!());
        for n in 0..200 {
            let body = format!(
                "{{\"password\":\"pw-{n:04}-secret\",\"salt\":\"salt-{n:04}-secret\",\
                 \"challenge\":\"ch-{n:04}-secret\"}}"
            );
            transcripts.record(&session(0), &raw(body.as_bytes()));
        }
        let transcript = transcripts.of(&session(0));
        assert!(transcript.truncated);
        assert!(transcript.exchanges.len() < 200);
        assert!(kept_secrets(&transcripts, &session(0)) <= protocol::transcript::MAX_SECRETS);
        let text = transcript.to_json();
        assert!(!text.contains("-secret"), "a secret was recorded in clear");
    }
}

//! Support transcripts: every forwarded exchange, redacted by `protocol::transcript` as it
//! happens, kept per wizard session for `GET /api/v1/transcript` and, with `--record FILE`,
//! written to a file. Only redacted text is ever stored; memory is bounded.

use crate::sessions::SessionId;
use protocol::profile::DeviceProfile;
use protocol::transcript::{Exchange, RawExchange, Redactor, Transcript};
use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// Redacted bytes kept per session; later exchanges are dropped and the transcript says so.
const SESSION_BUDGET: usize = 256 * 1024;
/// Sessions whose transcripts are kept at once; the least recently used goes first.
const MAX_SESSIONS: usize = 256;
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
    number: u32,
    redactor: Redactor,
    exchanges: Vec<Exchange>,
    bytes: usize,
    truncated: bool,
    last_used: Instant,
}

/// All sessions' transcripts, and the record file.
pub struct Transcripts {
    profile: DeviceProfile,
    sessions: Mutex<(u32, HashMap<SessionId, SessionTranscript>)>,
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
            sessions: Mutex::new((0, HashMap::new())),
            file,
        })
    }

    /// Redacts one exchange of `session` and keeps it (and writes it, when recording).
    pub fn record(&self, session: &SessionId, raw: &RawExchange<'_>) {
        let exchange = {
            let mut guard = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
            let (next, sessions) = &mut *guard;
            if !sessions.contains_key(session) && sessions.len() >= MAX_SESSIONS {
                if let Some(oldest) = sessions
                    .iter()
                    .min_by_key(|(_, t)| t.last_used)
                    .map(|(id, _)| id.clone())
                {
                    sessions.remove(&oldest);
                }
            }
            let transcript = sessions.entry(session.clone()).or_insert_with(|| {
                *next += 1;
                SessionTranscript {
                    number: *next,
                    redactor: Redactor::new(&self.profile, *next),
                    exchanges: Vec::new(),
                    bytes: 0,
                    truncated: false,
                    last_used: Instant::now(),
                }
            });
            transcript.last_used = Instant::now();
            let exchange = transcript.redactor.redact(raw);
            let size = size_of(&exchange);
            if transcript.bytes + size <= SESSION_BUDGET {
                transcript.bytes += size;
                transcript.exchanges.push(exchange.clone());
            } else {
                transcript.truncated = true;
            }
            debug_assert!(transcript.number == exchange.session);
            exchange
        };
        if let Some(file) = &self.file {
            let mut file = file.lock().unwrap_or_else(|p| p.into_inner());
            if let Err(err) = write_exchange(&mut file, exchange) {
                tracing::warn!(%err, "could not write the transcript file");
            }
        }
    }

    /// The redacted transcript of `session` (empty when it made no device call).
    pub fn of(&self, session: &SessionId) -> Transcript {
        let guard = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        match guard.1.get(session) {
            Some(t) => Transcript::new(t.exchanges.clone(), t.truncated),
            None => Transcript::new(Vec::new(), false),
        }
    }
}

fn size_of(exchange: &Exchange) -> usize {
    exchange.path.len() + exchange.request_body.len() + exchange.response_body.len() + 256
}

fn write_exchange(file: &mut RecordFile, exchange: Exchange) -> std::io::Result<()> {
    match file {
        RecordFile::Lines(out) => {
            let mut line = serde_json::to_string(&exchange).map_err(std::io::Error::other)?;
            line.push('\n');
            out.write_all(line.as_bytes())
        }
        RecordFile::Document {
            path,
            exchanges,
            bytes,
            truncated,
        } => {
            let size = size_of(&exchange);
            if *bytes + size > FILE_BUDGET {
                *truncated = true;
            } else {
                *bytes += size;
                exchanges.push(exchange);
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

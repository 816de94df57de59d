//! Reading the QR picture the person exported, or the QR an NVR shows on its monitor:
//! file picker, drag and drop, paste, or the camera. The wizard says whether it is a readable
//! reset code and redraws it crisply for the e-mail.

use crate::i18n::{tr, use_i18n, Msg};
use crate::qr::camera::{self, CameraError};
use crate::qr::draw::QrMatrix;
use crate::qr::scan::{self, ContentKind, Effort, Found, ScanError};
use crate::steps::QrSend;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::MediaStream;

/// Camera frames are decoded at most this wide: enough for a QR filling part of the view.
const FRAME_WIDTH: u32 = 640;
/// Pause between camera frames when nothing was found.
const FRAME_PAUSE_MS: i32 = 120;
/// The camera stops by itself after this many frames (about two minutes), to spare batteries.
const MAX_FRAMES: u32 = 1_000;

/// The picture reader with its result.
#[component]
pub fn QrReader() -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(None::<Msg>);
    let found = RwSignal::new(None::<Found>);
    let read_action = Action::new_local(move |blob: &web_sys::Blob| {
        let blob = blob.clone();
        found.set(None);
        status.set(Some(Msg::QrReading));
        async move { settle(scan::decode_file(&blob).await, status, found) }
    });
    let reading = read_action.pending();
    let read_blob = move |blob: web_sys::Blob| {
        read_action.dispatch_local(blob);
    };
    let on_file = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        if let Some(file) = input.and_then(|i| i.files()).and_then(|f| f.get(0)) {
            read_blob(file.into());
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            read_blob(file.into());
        }
    };
    let paste = window_event_listener(leptos::ev::paste, move |ev| {
        if let Some(file) = ev
            .clipboard_data()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            ev.prevent_default();
            read_blob(file.into());
        }
    });
    on_cleanup(move || paste.remove());

    view! {
        <section class="qr-reader" aria-labelledby="qr-reader-heading">
            <h3 id="qr-reader-heading">{tr(Msg::QrReaderHeading)}</h3>
            <p>{tr(Msg::QrReaderExplain)}</p>
            <label for="qr-file">{tr(Msg::QrFileLabel)}</label>
            <input id="qr-file" type="file" accept="image/*" on:change=on_file disabled=move || reading.get() />
            <p class="drop-zone" on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=on_drop>
                {tr(Msg::QrDropHint)}
            </p>
            <CameraScan status found />
            <p class="qr-status" role="status">{move || status.get().map(|m| i18n.t(m))}</p>
            {move || found.get().map(|f| view! { <FoundView found=f /> })}
        </section>
    }
}

/// Turns a decoding outcome into the status line and the result.
fn settle(
    result: Result<Vec<Found>, ScanError>,
    status: RwSignal<Option<Msg>>,
    found: RwSignal<Option<Found>>,
) {
    match result {
        Ok(codes) => match codes.into_iter().next() {
            Some(first) => {
                status.set(Some(kind_message(first.kind)));
                found.set(Some(first));
            }
            None => status.set(Some(Msg::QrNoCode)),
        },
        Err(ScanError::NotAnImage) => status.set(Some(Msg::QrNotImage)),
        Err(ScanError::DecoderStopped) => status.set(Some(Msg::QrDecoderStopped)),
        Err(ScanError::NoWorker) => status.set(Some(Msg::QrNoWorker)),
    }
}

fn kind_message(kind: ContentKind) -> Msg {
    match kind {
        ContentKind::ResetCode => Msg::QrIsReset,
        ContentKind::Url => Msg::QrIsUrl,
        ContentKind::HikConnect => Msg::QrIsHikConnect,
        ContentKind::Empty => Msg::QrIsEmpty,
        ContentKind::Other => Msg::QrIsOther,
    }
}

/// A readable reset code is redrawn for the e-mail; anything else only gets the warning.
#[component]
fn FoundView(found: Found) -> impl IntoView {
    (found.kind == ContentKind::ResetCode)
        .then(|| QrMatrix::encode(&found.text))
        .flatten()
        .map(|matrix| view! { <QrSend matrix serial=None /> })
}

/// The camera: start, scan frame after frame in the worker, stop on a find or on request.
#[component]
fn CameraScan(status: RwSignal<Option<Msg>>, found: RwSignal<Option<Found>>) -> impl IntoView {
    let video = NodeRef::<html::Video>::new();
    let stream = StoredValue::new_local(None::<MediaStream>);
    let torch = StoredValue::new_local(None::<web_sys::MediaStreamTrack>);
    let running = RwSignal::new(false);
    let has_torch = RwSignal::new(false);
    let torch_on = RwSignal::new(false);
    let stop = move || {
        running.set(false);
        if let Some(s) = stream.get_value() {
            camera::close(&s);
        }
        stream.set_value(None);
        has_torch.set(false);
    };
    on_cleanup(stop);
    let start = move |_| {
        let Some(element) = video.get() else {
            return;
        };
        found.set(None);
        status.set(Some(Msg::CameraStarting));
        spawn_local(async move {
            match camera::open(&element).await {
                Ok(opened) => {
                    let track = camera::torch_track(&opened);
                    has_torch.set(track.is_some());
                    torch.set_value(track);
                    stream.set_value(Some(opened));
                    running.set(true);
                    status.set(Some(Msg::CameraLooking));
                    scan_frames(element, running, status, found).await;
                    stop();
                }
                Err(err) => status.set(Some(camera_message(err))),
            }
        });
    };
    let toggle_torch = move |_| {
        let on = !torch_on.get_untracked();
        if let Some(track) = torch.get_value() {
            camera::set_torch(&track, on);
            torch_on.set(on);
        }
    };
    view! {
        <div class="camera">
            <button type="button" class="secondary" on:click=start disabled=move || running.get()>
                {tr(Msg::CameraStart)}
            </button>
            <Show when=move || running.get()>
                <button type="button" class="secondary" on:click=move |_| stop()>{tr(Msg::CameraStop)}</button>
            </Show>
            <Show when=move || has_torch.get()>
                <button type="button" class="secondary" aria-pressed=move || torch_on.get().to_string() on:click=toggle_torch>
                    {tr(Msg::CameraTorch)}
                </button>
            </Show>
            <video node_ref=video class:hidden=move || !running.get() aria-label=tr(Msg::CameraLabel)></video>
        </div>
    }
}

/// Decodes frames one at a time (never more than one in the worker) until one reads.
async fn scan_frames(
    video: web_sys::HtmlVideoElement,
    running: RwSignal<bool>,
    status: RwSignal<Option<Msg>>,
    found: RwSignal<Option<Found>>,
) {
    for _ in 0..MAX_FRAMES {
        if !running.get_untracked() {
            return;
        }
        let (w, h) = (video.video_width(), video.video_height());
        if w > 0 && h > 0 {
            let width = w.min(FRAME_WIDTH);
            let height = (u64::from(h) * u64::from(width) / u64::from(w)).max(1) as u32;
            let pixels = scan::pixels_of(
                |ctx| {
                    ctx.draw_image_with_html_video_element_and_dw_and_dh(
                        &video,
                        0.0,
                        0.0,
                        f64::from(width),
                        f64::from(height),
                    )
                },
                width,
                height,
            );
            if let Some(rgba) = pixels {
                match scan::decode_rgba(width, height, &rgba, Effort::Frame).await {
                    Ok(codes) if !codes.is_empty() => {
                        settle(Ok(codes), status, found);
                        return;
                    }
                    // A frame that fails just waits for the next; a crashed worker restarts.
                    _ => {}
                }
            }
        }
        crate::device::client::sleep_ms(FRAME_PAUSE_MS).await;
    }
    status.set(Some(Msg::CameraTimeUp));
}

fn camera_message(err: CameraError) -> Msg {
    match err {
        CameraError::Unavailable => Msg::CameraUnavailable,
        CameraError::Denied => Msg::CameraDenied,
        CameraError::NoCamera => Msg::CameraNone,
        CameraError::Failed => Msg::CameraFailed,
    }
}

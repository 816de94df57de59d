//! The QR decoder's speed where it really runs: the wasm worker in headless Chromium.
//! Run by `cargo xtask bench qr` after the native benchmark: every ZXing picture once as a
//! 640×480 camera frame (frame budget) and once as an upload (whole pipeline), decoded by
//! the built `qr-worker`, timed by the page (round trip) and by the worker (decode only).
//!
//! Usage: `cargo run -p e2e --example worker_timing -- DIST_DIR DATA_DIR`

// Native only: it drives a browser; there is nothing to run inside wasm.
#[cfg(not(target_arch = "wasm32"))]
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    timing::run().await
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod timing {
    use anyhow::{bail, Context, Result};
    use e2e::Browser;
    use qr::files::{read_grey, GreyPicture};
    use std::path::{Path, PathBuf};

    const FRAME_W: usize = 640;
    const FRAME_H: usize = 480;

    pub async fn run() -> Result<()> {
        let mut args = std::env::args().skip(1);
        let (Some(dist), Some(data)) = (args.next(), args.next()) else {
            bail!("usage: worker_timing DIST_DIR DATA_DIR");
        };
        let pictures = load_pictures(Path::new(&data))?;
        let scratch = tempfile::tempdir()?;
        let mut frames = Vec::new();
        let mut uploads = Vec::new();
        for (i, picture) in pictures.iter().enumerate() {
            let frame = letterbox(picture);
            frames.push(write_rgba(
                scratch.path(),
                &format!("f{i}"),
                FRAME_W,
                FRAME_H,
                &frame,
            )?);
            uploads.push(write_rgba(
                scratch.path(),
                &format!("u{i}"),
                picture.width,
                picture.height,
                &picture.pixels,
            )?);
        }
        let site = serve(PathBuf::from(dist), scratch.path().to_path_buf()).await?;
        let browser = Browser::start().await?;
        browser
            .client
            .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                Some(std::time::Duration::from_secs(900)),
                None,
                None,
            ))
            .await?;
        browser
            .client
            .goto(&format!("http://{site}/index.html"))
            .await?;
        println!(
            "\n## QR decoding in the wasm worker (headless Chromium), {} pictures\n",
            pictures.len()
        );
        println!("| budget | pictures | read | crashed | median ms (worker) | p95 ms (worker) | p95 ms (round trip) | budget ms |");
        println!("|---|---:|---:|---:|---:|---:|---:|---:|");
        report(&browser, "frame", &frames, 33.0).await?;
        report(&browser, "upload", &uploads, 500.0).await?;
        browser.close().await
    }

    /// Every PNG, JPEG or GIF picture under `data` (one level of set folders), in name order.
    fn load_pictures(data: &Path) -> Result<Vec<GreyPicture>> {
        let mut paths = Vec::new();
        for set in std::fs::read_dir(data).with_context(|| format!("reading {}", data.display()))? {
            let set = set?.path();
            if !set.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&set)? {
                let path = file?.path();
                let picture = matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("png" | "jpg" | "jpeg" | "gif")
                );
                if picture {
                    paths.push(path);
                }
            }
        }
        paths.sort();
        paths.iter().map(|p| read_grey(p)).collect()
    }

    /// The picture scaled to fit 640×480 on mid grey, as a camera frame of a monitor would be.
    fn letterbox(picture: &GreyPicture) -> Vec<u8> {
        let scale =
            (FRAME_W as f64 / picture.width as f64).min(FRAME_H as f64 / picture.height as f64);
        let (w, h) = (
            (picture.width as f64 * scale) as usize,
            (picture.height as f64 * scale) as usize,
        );
        let (left, top) = ((FRAME_W - w) / 2, (FRAME_H - h) / 2);
        let mut frame = vec![128u8; FRAME_W * FRAME_H];
        for y in 0..h {
            for x in 0..w {
                let sx = ((x as f64 / scale) as usize).min(picture.width - 1);
                let sy = ((y as f64 / scale) as usize).min(picture.height - 1);
                frame[(top + y) * FRAME_W + left + x] = picture.pixels[sy * picture.width + sx];
            }
        }
        frame
    }

    /// Writes grey pixels as RGBA for the page to fetch; returns its description.
    fn write_rgba(
        dir: &Path,
        name: &str,
        w: usize,
        h: usize,
        grey: &[u8],
    ) -> Result<serde_json::Value> {
        let rgba: Vec<u8> = grey.iter().flat_map(|&g| [g, g, g, 255]).collect();
        std::fs::write(dir.join(format!("{name}.rgba")), rgba)?;
        Ok(serde_json::json!({ "file": format!("{name}.rgba"), "w": w, "h": h }))
    }

    /// Serves the built wizard, and the pictures under `/bench/`, on a loopback port.
    async fn serve(dist: PathBuf, pictures: PathBuf) -> Result<std::net::SocketAddr> {
        use tower_http::services::ServeDir;
        let router = axum::Router::new()
            .nest_service("/bench", ServeDir::new(pictures))
            .fallback_service(ServeDir::new(dist));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(addr)
    }

    /// Decodes `items` in the worker with `budget` and prints one table row.
    async fn report(
        browser: &Browser,
        budget: &str,
        items: &[serde_json::Value],
        limit: f64,
    ) -> Result<()> {
        let result = browser
            .client
            .execute_async(
                TIMING_SCRIPT,
                vec![serde_json::json!(items), serde_json::json!(budget)],
            )
            .await
            .context("timing the worker")?;
        let rows: Vec<Timing> = serde_json::from_value(result)?;
        let mut worker: Vec<f64> = rows
            .iter()
            .filter(|r| !r.crashed)
            .map(|r| r.worker)
            .collect();
        let mut trip: Vec<f64> = rows.iter().filter(|r| !r.crashed).map(|r| r.trip).collect();
        let read = rows.iter().filter(|r| r.found > 0).count();
        let crashed = rows.iter().filter(|r| r.crashed).count();
        println!(
            "| {budget} | {} | {read} | {crashed} | {:.1} | {:.1} | {:.1} | {limit:.0} |",
            rows.len(),
            percentile(&mut worker, 0.5),
            percentile(&mut worker, 0.95),
            percentile(&mut trip, 0.95)
        );
        Ok(())
    }

    #[derive(serde::Deserialize)]
    struct Timing {
        worker: f64,
        trip: f64,
        found: usize,
        crashed: bool,
    }

    fn percentile(values: &mut [f64], q: f64) -> f64 {
        if values.is_empty() {
            return f64::NAN;
        }
        values.sort_by(|a, b| a.total_cmp(b));
        values[((values.len() - 1) as f64 * q).round() as usize]
    }

    /// Feeds the pictures to a fresh worker one at a time; a crashed worker is replaced.
    const TIMING_SCRIPT: &str = r#"
    const [items, budget] = arguments;
    const done = arguments[arguments.length - 1];
    const start = () => new Promise((ready) => {
      const w = new Worker('./qr-worker_loader.js');
      w.onmessage = (e) => { if (e.data.kind === 'ready') ready(w); };
    });
    (async () => {
      let worker = await start();
      const out = [];
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        const rgba = new Uint8Array(await (await fetch('/bench/' + item.file)).arrayBuffer());
        const t0 = performance.now();
        const reply = await new Promise((answer) => {
          worker.onmessage = (e) => { if (e.data.id === i) answer(e.data); };
          worker.onerror = () => answer({ kind: 'crashed' });
          worker.postMessage({ id: i, width: item.w, height: item.h, rgba, budget });
        });
        const trip = performance.now() - t0;
        const crashed = reply.kind !== 'decoded';
        out.push({ worker: reply.elapsedMs || 0, trip, found: (reply.texts || []).length, crashed });
        if (crashed) { worker.terminate(); worker = await start(); }
      }
      done(out);
    })();
    "#;
}

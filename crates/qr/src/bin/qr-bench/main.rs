//! `qr-bench DATA_DIR`: the QR benchmark. Decodes every ZXing blackbox picture at 0/90/180/270°
//! with plain rqrr, our pipeline (frame and upload budgets) and zxing-cpp, and prints tables.
//!
//! Run it through `cargo xtask bench qr`, or see crates/qr/README.md for the cargo line: it
//! needs a profile that unwinds, because it catches rqrr's panics per picture.

mod dataset;
mod peer;
mod report;

use anyhow::{bail, Context, Result};
use dataset::{Case, Expected};
use qr::files::{read_grey, GreyPicture};
use qr::{Binariser, Budget, Code, Scale, Stage, SystemClock};
use report::{Outcome, Tally, Verdict};
use std::path::PathBuf;

const USAGE: &str = "usage: qr-bench DATA_DIR [--sets qrcode-1,qrcode-2] [--stages] [--no-peer]";

struct Options {
    data: PathBuf,
    sets: Vec<String>,
    stages: bool,
    peer: bool,
}

fn parse_options() -> Result<Options> {
    let mut args = std::env::args().skip(1);
    let mut options = Options {
        data: PathBuf::new(),
        sets: Vec::new(),
        stages: false,
        peer: true,
    };
    let mut data = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sets" => {
                let list = args.next().context("--sets needs a comma-separated list")?;
                options.sets = list.split(',').map(str::to_owned).collect();
            }
            "--stages" => options.stages = true,
            "--no-peer" => options.peer = false,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other if data.is_none() && !other.starts_with('-') => data = Some(PathBuf::from(other)),
            other => bail!("unknown argument {other}\n{USAGE}"),
        }
    }
    options.data = data.context(USAGE)?;
    Ok(options)
}

/// One picture at one rotation, with every decoder's outcome.
struct Run {
    case: Case,
    quarter_turns: u8,
    pixels: usize,
    plain: Outcome,
    frame: Outcome,
    upload: Outcome,
    upload_stage: Option<Stage>,
    peer: Option<Outcome>,
    pgm: PathBuf,
}

fn main() -> Result<()> {
    let options = parse_options()?;
    quiet_panics();
    let cases = dataset::cases(&options.data, &options.sets)?;
    if cases.is_empty() {
        bail!(
            "no qrcode-N folders with pictures under {}",
            options.data.display()
        );
    }
    let pgm_dir = std::env::temp_dir().join(format!("qr-bench-{}", std::process::id()));
    std::fs::create_dir_all(&pgm_dir)?;

    if options.stages {
        return print_stages(&cases);
    }

    let mut runs = Vec::new();
    for case in &cases {
        let picture = read_grey(&case.picture)?;
        for quarter_turns in 0..4u8 {
            let turned = picture.turned(quarter_turns);
            let pgm = pgm_dir.join(format!(
                "{}-{}-{}.pgm",
                case.set, case.number, quarter_turns
            ));
            if options.peer {
                peer::write_pgm(&pgm, turned.width, turned.height, &turned.pixels)?;
            }
            let plain = timed(&case.expected, &turned, |image| {
                qr::decode_stage(image, PLAIN_RQRR)
            });
            let frame = timed(&case.expected, &turned, |image| {
                qr::decode(image, Budget::Frame, &SystemClock::start()).codes
            });
            let mut upload_stage = None;
            let upload = timed(&case.expected, &turned, |image| {
                let decoded = qr::decode(image, Budget::Upload, &SystemClock::start());
                upload_stage = decoded.stage;
                decoded.codes
            });
            runs.push(Run {
                case: case.clone(),
                quarter_turns,
                pixels: turned.width * turned.height,
                plain,
                frame,
                upload,
                upload_stage,
                peer: None,
                pgm,
            });
        }
    }

    let peer_note = if options.peer {
        run_peer(&mut runs)
    } else {
        Some("skipped (--no-peer)".into())
    };
    let _ = std::fs::remove_dir_all(&pgm_dir);
    print_report(&runs, peer_note.as_deref());
    Ok(())
}

/// rqrr as it comes: its own binariser on the grey picture, nothing else.
const PLAIN_RQRR: Stage = Stage {
    scale: Scale::Original,
    binariser: Binariser::Rqrr,
    quarter_turns: 0,
    inverted: false,
};

/// Fills in zxing-cpp's outcomes; returns why not, when it is unavailable.
fn run_peer(runs: &mut [Run]) -> Option<String> {
    let python = match peer::python() {
        Ok(python) => python,
        Err(err) => return Some(format!("unavailable: {err:#}")),
    };
    let files: Vec<PathBuf> = runs.iter().map(|r| r.pgm.clone()).collect();
    let results = match peer::decode_all(&python, &files) {
        Ok(results) => results,
        Err(err) => return Some(format!("failed: {err:#}")),
    };
    let mut missing = 0;
    for run in runs.iter_mut() {
        let Some(result) = results.get(&run.pgm) else {
            missing += 1;
            continue;
        };
        let verdict = judge(
            &run.case.expected,
            result
                .symbols
                .iter()
                .map(|s| (s.text.as_str(), s.bytes.as_slice())),
        );
        run.peer = Some(Outcome {
            verdict,
            ms: result.ms,
        });
    }
    (missing > 0).then(|| format!("no answer for {missing} pictures"))
}

/// Decodes with `f` inside `catch_unwind`, timing it.
fn timed(
    expected: &Expected,
    picture: &GreyPicture,
    f: impl FnOnce(qr::GreyImage<'_>) -> Vec<Code>,
) -> Outcome {
    let clock = SystemClock::start();
    let result = picture
        .view()
        .map(|image| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(image))));
    let ms = qr::Clock::now_ms(&clock);
    let verdict = match result {
        Err(err) => Verdict::Panicked(format!("bad picture: {err:#}")),
        Ok(Err(panic)) => Verdict::Panicked(panic_message(&panic)),
        Ok(Ok(codes)) => judge(
            expected,
            codes.iter().map(|c| (c.text.as_str(), c.bytes.as_slice())),
        ),
    };
    Outcome { verdict, ms }
}

fn judge<'a>(expected: &Expected, mut found: impl Iterator<Item = (&'a str, &'a [u8])>) -> Verdict {
    let mut first = None;
    for (text, bytes) in found.by_ref() {
        if expected.matches(text, bytes) {
            return Verdict::Correct;
        }
        first.get_or_insert_with(|| text.to_owned());
    }
    match first {
        Some(text) => Verdict::Misread(text),
        None => Verdict::Failed,
    }
}

fn quiet_panics() {
    // Panics are counted per picture; their default report would flood the table.
    std::panic::set_hook(Box::new(|_| {}));
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_owned()
    }
}

/// Picks one decoder's outcome out of a run.
type Pick = fn(&Run) -> Option<&Outcome>;

fn print_report(runs: &[Run], peer_note: Option<&str>) {
    let images = runs.len() / 4;
    println!(
        "## QR benchmark: {images} ZXing blackbox pictures × 4 rotations = {} decodes",
        runs.len()
    );
    let tables: [(&str, Pick); 3] = [
        ("plain rqrr (its own binariser, one pass)", |r| {
            Some(&r.plain)
        }),
        ("pipeline, frame budget (cheap stages, time box)", |r| {
            Some(&r.frame)
        }),
        ("pipeline, upload budget (whole pipeline)", |r| {
            Some(&r.upload)
        }),
    ];
    let mut alls = Vec::new();
    for (title, pick) in tables {
        let (sets, all) = report::tally_by_set(
            runs.iter()
                .filter_map(|r| Some((r.case.set.as_str(), pick(r)?))),
        );
        report::print_table(title, &sets, &all);
        alls.push(all);
    }
    let peer = report::tally_by_set(
        runs.iter()
            .filter_map(|r| Some((r.case.set.as_str(), r.peer.as_ref()?))),
    );
    match peer_note {
        Some(note) => println!("\n### zxing-cpp\n\n{note}"),
        None => {
            report::print_table("zxing-cpp (same grey pixels)", &peer.0, &peer.1);
            let ours = &alls[2];
            println!(
                "\nupload pipeline / zxing-cpp: correct {:.3}, median time {:.1}x, p95 time {:.1}x",
                ours.correct as f64 / peer.1.correct.max(1) as f64,
                ours.quantile(0.5) / peer.1.quantile(0.5),
                ours.quantile(0.95) / peer.1.quantile(0.95),
            );
        }
    }

    let mut small = Tally::default();
    for run in runs.iter().filter(|r| r.pixels <= 640 * 480) {
        small.add(&run.frame);
    }
    println!(
        "\nframe budget on pictures of at most 640×480 ({} decodes): median {:.2} ms, p95 {:.2} ms (limit 33 ms in the wasm worker; native here)",
        small.total,
        small.quantile(0.5),
        small.quantile(0.95)
    );
    let upload = &alls[2];
    println!(
        "upload budget: p95 {:.2} ms, max {:.2} ms (limit 500 ms)",
        upload.quantile(0.95),
        upload.quantile(1.0)
    );

    println!("\n### Per rotation (correct)\n\n| decoder | 0° | 90° | 180° | 270° |\n|---|---:|---:|---:|---:|");
    let per_rotation: [(&str, Pick); 3] = [
        ("plain rqrr", |r| Some(&r.plain)),
        ("pipeline upload", |r| Some(&r.upload)),
        ("zxing-cpp", |r| r.peer.as_ref()),
    ];
    for (name, pick) in per_rotation {
        let counts: Vec<String> = (0..4u8)
            .map(|q| {
                runs.iter()
                    .filter(|r| r.quarter_turns == q)
                    .filter(|r| pick(r).is_some_and(|o| matches!(o.verdict, Verdict::Correct)))
                    .count()
                    .to_string()
            })
            .collect();
        println!("| {name} | {} |", counts.join(" | "));
    }

    println!("\n### Which upload stage decoded\n");
    let mut by_stage: Vec<(String, usize)> = Vec::new();
    for run in runs
        .iter()
        .filter(|r| matches!(r.upload.verdict, Verdict::Correct))
    {
        let name = run.upload_stage.map_or("?".to_owned(), |s| s.to_string());
        match by_stage.iter_mut().find(|(n, _)| *n == name) {
            Some((_, count)) => *count += 1,
            None => by_stage.push((name, 1)),
        }
    }
    for stage in qr::stages(Budget::Upload) {
        let name = stage.to_string();
        let count = by_stage
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(0, |(_, c)| *c);
        println!("- {name}: {count}");
    }

    println!("\n### Misreads, panics, and what zxing-cpp reads but the pipeline does not\n");
    for run in runs {
        let at = format!(
            "{}/{} at {}°",
            run.case.set,
            run.case.number,
            u32::from(run.quarter_turns) * 90
        );
        for (who, outcome) in [
            ("plain rqrr", Some(&run.plain)),
            ("frame", Some(&run.frame)),
            ("upload", Some(&run.upload)),
            ("zxing-cpp", run.peer.as_ref()),
        ] {
            match outcome.map(|o| &o.verdict) {
                Some(Verdict::Misread(text)) => {
                    println!("- misread by {who}: {at}: read {:?}", truncate(text))
                }
                Some(Verdict::Panicked(message)) => println!("- panic in {who}: {at}: {message}"),
                _ => {}
            }
        }
        let peer_ok = run
            .peer
            .as_ref()
            .is_some_and(|o| matches!(o.verdict, Verdict::Correct));
        if peer_ok && !matches!(run.upload.verdict, Verdict::Correct) {
            println!("- only zxing-cpp: {at}");
        }
    }
}

fn truncate(text: &str) -> String {
    let mut out: String = text.chars().take(80).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// `--stages`: how many decodes each upload stage manages alone, and at what cost.
fn print_stages(cases: &[Case]) -> Result<()> {
    let stages: Vec<Stage> = qr::stages(Budget::Upload).copied().collect();
    let mut tallies = vec![Tally::default(); stages.len()];
    let mut unique = vec![0usize; stages.len()];
    for case in cases {
        let picture = read_grey(&case.picture)?;
        for quarter_turns in 0..4u8 {
            let turned = picture.turned(quarter_turns);
            let mut solvers = Vec::new();
            for (i, stage) in stages.iter().enumerate() {
                let outcome = timed(&case.expected, &turned, |image| {
                    qr::decode_stage(image, *stage)
                });
                if matches!(outcome.verdict, Verdict::Correct) {
                    solvers.push(i);
                }
                tallies[i].add(&outcome);
            }
            if let [only] = solvers[..] {
                unique[only] += 1;
            }
        }
    }
    println!("| stage | correct | only this stage | misreads | panics | median ms | p95 ms |\n|---|---:|---:|---:|---:|---:|---:|");
    for (i, stage) in stages.iter().enumerate() {
        let t = &tallies[i];
        println!(
            "| {stage} | {} / {} | {} | {} | {} | {:.2} | {:.2} |",
            t.correct,
            t.total,
            unique[i],
            t.misreads,
            t.panics,
            t.quantile(0.5),
            t.quantile(0.95)
        );
    }
    Ok(())
}

//! The machine the figures were measured on, for BENCHMARKS.md.

use crate::shell;
use std::process::Command;

/// A Markdown table of cores, memory, OS, toolchain and peer versions, with the date.
pub fn describe(seconds: f64) -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get().to_string())
        .unwrap_or_else(|_| "unknown".into());
    let rows = [
        ("date", output("date", &["-u", "+%Y-%m-%d %H:%M UTC"])),
        ("CPU", cpu_model()),
        ("cores (available to this run)", cores),
        ("RAM", memory()),
        (
            "OS",
            format!("{} (kernel {})", os_name(), output("uname", &["-r"])),
        ),
        ("rustc", output("rustc", &["--version"])),
        ("Chromium", output("/usr/bin/chromium", &["--version"])),
        ("nginx", output("nginx", &["-v"])),
        ("wrk", output("wrk", &["-v"])),
        ("whole run", format!("{seconds:.0} s")),
    ];
    let mut out = String::from("| machine | |\n|---|---|\n");
    for (name, value) in rows {
        out.push_str(&format!("| {name} | {value} |\n"));
    }
    out.push_str(
        "\nThe machine is shared with other builds and was busy during this run, so absolute \
         figures are noisy: the ratios between a part and its peer, measured alternately in the \
         same run, are what count.\n",
    );
    out
}

/// The first line a command prints (on stdout or, like `nginx -v`, stderr).
fn output(program: &str, args: &[&str]) -> String {
    match shell::capture(Command::new(program).args(args)) {
        Ok(out) => {
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            text.lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("unknown")
                .to_string()
        }
        Err(_) => "not installed".into(),
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn memory() -> String {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let kb: f64 = text
                .lines()
                .find(|l| l.starts_with("MemTotal:"))?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some(format!("{:.1} GiB", kb / 1024.0 / 1024.0))
        })
        .unwrap_or_else(|| "unknown".into())
}

fn os_name() -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_string())
        })
        .unwrap_or_else(|| std::env::consts::OS.to_string())
}

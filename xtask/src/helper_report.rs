//! The downloadable helper's figures for BENCHMARKS.md, written by `cargo xtask release --check`:
//! each target's archive size, first answer after start and time added per device call.

use crate::bench::proxy::ADDED_P99_GOAL_MS;
use crate::helper_check::Measured;
use crate::release::Made;

/// The section's heading in BENCHMARKS.md.
pub const TITLE: &str = "The downloadable helper (cargo xtask release --check)";

/// The goals from issue 15.
const ARCHIVE_GOAL_BYTES: u64 = 4_000_000;
const FIRST_ANSWER_GOAL_MS: f64 = 50.0;

/// The section's Markdown, one row per built target (`None`: it cannot run here).
pub fn markdown(version: &str, rows: &[(&Made, Option<Measured>)]) -> String {
    let mut out = format!(
        "reset-proxy {version}, `helper` profile, the wizard embedded. Each runnable binary \
         is copied into an empty folder and started with `--demo --no-browser` five times; the \
         first answer is the time from starting the program to its first `/api/v1/health` \
         answer (asked every millisecond or so); the added time per call uses its demo device: \
         {}. The x86_64 Linux binary runs natively here; the Windows one runs **under wine** \
         (Debian's wine64 8, on Linux), so its times are wine's, not a Windows PC's, and its \
         first start, which also sets up a fresh wine prefix, is left out of the median. The \
         aarch64 binary cannot run on this machine. The throughput beside nginx is in the Proxy \
         section (a host build of the same code).\n\n\
         | target | archive | size (goal ≤ 4 MB) | first answer, median (all starts) ms (goal ≤ 50 ms) | added per forwarded call, p50 / p99 ms (goal p99 ≤ {ADDED_P99_GOAL_MS:.0} ms) |\n\
         |---|---|---:|---|---|\n",
        crate::bench::added::method()
    );
    let mut missed = Vec::new();
    for (made, measured) in rows {
        let triple = made.target.triple;
        let mb = made.archive_bytes as f64 / 1e6;
        if made.archive_bytes > ARCHIVE_GOAL_BYTES {
            missed.push(format!("{triple}: the archive is {mb:.2} MB"));
        }
        let (first, added) = match measured {
            Some(m) => {
                let counted = if made.target.windows && m.first_answer_ms.len() > 1 {
                    &m.first_answer_ms[1..]
                } else {
                    &m.first_answer_ms[..]
                };
                let median = median(counted);
                if median > FIRST_ANSWER_GOAL_MS {
                    missed.push(format!("{triple}: the first answer took {median:.1} ms"));
                }
                let all: Vec<String> = m
                    .first_answer_ms
                    .iter()
                    .map(|ms| format!("{ms:.1}"))
                    .collect();
                let first = format!(
                    "**{median:.1}** ({}){}",
                    all.join(", "),
                    if made.target.windows {
                        " under wine"
                    } else {
                        ""
                    }
                );
                let added = match &m.added {
                    Some(a) => {
                        if a.p99_ms() > ADDED_P99_GOAL_MS {
                            missed.push(format!(
                                "{triple}: the proxy adds {:.2} ms at the p99",
                                a.p99_ms()
                            ));
                        }
                        format!(
                            "{:.3} / **{:.3}** (direct {:.3} / {:.3}, through {:.3} / {:.3}){}",
                            a.p50_ms(),
                            a.p99_ms(),
                            a.direct.p50_ms,
                            a.direct.p99_ms,
                            a.proxied.p50_ms,
                            a.proxied.p99_ms,
                            if made.target.windows {
                                " under wine"
                            } else {
                                ""
                            }
                        )
                    }
                    None => "not measured".to_string(),
                };
                (first, added)
            }
            None => (
                "not run: no machine of this kind here".to_string(),
                "not run".to_string(),
            ),
        };
        out.push_str(&format!(
            "| {triple} | `{}` | {mb:.2} MB ({} B) | {first} | {added} |\n",
            made.archive, made.archive_bytes
        ));
    }
    if missed.is_empty() {
        out.push_str("\nEvery goal met by every target measured.\n");
    } else {
        out.push_str("\nMissed: ");
        out.push_str(&missed.join("; "));
        out.push_str(".\n");
    }
    out
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_middle_pair() {
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[5.0, 1.0, 3.0]), 3.0);
    }
}

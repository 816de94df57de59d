//! Timing of the named phases of a run, printed as a table at the end.

use std::time::{Duration, Instant};

/// Collects how long each phase took, in order.
#[derive(Default)]
pub struct Phases {
    done: Vec<(String, Duration)>,
}

impl Phases {
    /// Runs one phase, announcing it and recording its duration (also when it fails).
    pub fn run<T>(
        &mut self,
        name: &str,
        body: impl FnOnce() -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        println!("\n==> {name}");
        let start = Instant::now();
        let result = body();
        let took = start.elapsed();
        println!(
            "<== {name}: {} in {:.1} s",
            if result.is_ok() { "ok" } else { "FAILED" },
            took.as_secs_f64()
        );
        self.done.push((name.to_string(), took));
        result
    }

    /// Prints every finished phase with its duration and the total.
    pub fn print_summary(&self) {
        println!("\nphase timings:");
        let mut total = Duration::ZERO;
        for (name, took) in &self.done {
            println!("  {:<52} {:>8.1} s", name, took.as_secs_f64());
            total += *took;
        }
        println!("  {:<52} {:>8.1} s", "total", total.as_secs_f64());
    }
}

//! Tallies outcomes per set and prints them as Markdown tables.

use std::collections::BTreeMap;

/// How one decoder did on one picture at one rotation.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// Read the expected content.
    Correct,
    /// Read something else: the worst outcome.
    Misread(String),
    /// Read nothing.
    Failed,
    /// The decoder panicked (rqrr's geometry asserts); in wasm this would kill the worker.
    Panicked(String),
}

/// One decoder's result on one picture at one rotation.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The verdict.
    pub verdict: Verdict,
    /// Milliseconds spent.
    pub ms: f64,
}

/// Counts and times over a group of outcomes.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub correct: usize,
    pub total: usize,
    pub misreads: usize,
    pub panics: usize,
    pub times: Vec<f64>,
}

impl Tally {
    pub fn add(&mut self, outcome: &Outcome) {
        self.total += 1;
        match outcome.verdict {
            Verdict::Correct => self.correct += 1,
            Verdict::Misread(_) => self.misreads += 1,
            Verdict::Failed => {}
            Verdict::Panicked(_) => self.panics += 1,
        }
        self.times.push(outcome.ms);
    }

    pub fn quantile(&self, q: f64) -> f64 {
        if self.times.is_empty() {
            return f64::NAN;
        }
        let mut sorted = self.times.clone();
        sorted.sort_by(f64::total_cmp);
        let index = ((sorted.len() - 1) as f64 * q).round() as usize;
        sorted[index.min(sorted.len() - 1)]
    }
}

/// Per set and overall tallies of one decoder.
pub fn tally_by_set<'a>(
    outcomes: impl Iterator<Item = (&'a str, &'a Outcome)>,
) -> (BTreeMap<String, Tally>, Tally) {
    let mut sets: BTreeMap<String, Tally> = BTreeMap::new();
    let mut all = Tally::default();
    for (set, outcome) in outcomes {
        sets.entry(set.to_owned()).or_default().add(outcome);
        all.add(outcome);
    }
    (sets, all)
}

/// Prints one decoder's table.
pub fn print_table(title: &str, sets: &BTreeMap<String, Tally>, all: &Tally) {
    println!("\n### {title}\n");
    println!("| set | correct / total | misreads | panics | median ms | p95 ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut names: Vec<&String> = sets.keys().collect();
    names.sort_by_key(|n| n.rsplit('-').next().and_then(|d| d.parse::<u32>().ok()));
    for name in names {
        print_row(name, &sets[name]);
    }
    print_row("**all**", all);
}

fn print_row(name: &str, t: &Tally) {
    println!(
        "| {name} | {} / {} | {} | {} | {:.2} | {:.2} |",
        t.correct,
        t.total,
        t.misreads,
        t.panics,
        t.quantile(0.5),
        t.quantile(0.95)
    );
}

//! Makes new inputs from old ones: the byte-level mutations a fuzzer uses (flips, insertions,
//! deletions, repeats that build deep nesting, dictionary tokens, splices, huge numbers).
//! Coverage-blind, so the seeds and the dictionary carry the structure.

use rand::Rng;

/// The largest input tried: the proxy reads at most 64 KiB from a device or a browser.
pub const MAX_INPUT: usize = 64 * 1024;

/// Bytes that change how parsers read text.
const INTERESTING: &[u8] = b"<>/\"'&;=:{}[],\\\0\n\r\t -+.%#?@0179eE";

/// Numbers at the edges of integer types and of what devices send.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "255",
    "256",
    "65535",
    "65536",
    "2147483647",
    "-2147483648",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "1e309",
    "-0",
    "0x10",
    "99999999999999999999999999999",
];

/// Applies one to eight mutations to a copy of `input`, drawing tokens from `dictionary` and
/// splicing from `corpus`.
pub fn mutate(
    rng: &mut impl Rng,
    input: &[u8],
    dictionary: &[&str],
    corpus: &[Vec<u8>],
) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..rng.random_range(1..=8) {
        match rng.random_range(0..10) {
            0 if !out.is_empty() => {
                let at = rng.random_range(0..out.len());
                out[at] ^= 1 << rng.random_range(0..8);
            }
            1 if !out.is_empty() => {
                let at = rng.random_range(0..out.len());
                out[at] = INTERESTING[rng.random_range(0..INTERESTING.len())];
            }
            2 => {
                let at = rng.random_range(0..=out.len());
                let len = rng.random_range(1..16);
                let bytes: Vec<u8> = (0..len).map(|_| rng.random()).collect();
                out.splice(at..at, bytes);
            }
            3 if !out.is_empty() => {
                let (start, end) = range(rng, out.len());
                out.drain(start..end);
            }
            4 if !out.is_empty() => {
                // A repeated piece: deep nesting, long runs, many fields.
                let (start, end) = range(rng, out.len());
                let piece = out[start..end.min(start + 256)].to_vec();
                let times = rng.random_range(2..=64);
                let at = rng.random_range(0..=out.len());
                let repeated: Vec<u8> = piece
                    .iter()
                    .copied()
                    .cycle()
                    .take(piece.len() * times)
                    .collect();
                out.splice(at..at, repeated);
            }
            5 | 6 if !dictionary.is_empty() => {
                let token = dictionary[rng.random_range(0..dictionary.len())].as_bytes();
                let at = rng.random_range(0..=out.len());
                out.splice(at..at, token.iter().copied());
            }
            7 if !corpus.is_empty() => {
                let other = &corpus[rng.random_range(0..corpus.len())];
                if !other.is_empty() {
                    let (start, end) = range(rng, other.len());
                    let at = rng.random_range(0..=out.len());
                    out.splice(at..at, other[start..end].iter().copied());
                }
            }
            8 => replace_number(rng, &mut out),
            _ if !out.is_empty() => {
                let keep = rng.random_range(0..out.len());
                out.truncate(keep);
            }
            _ => out.push(rng.random()),
        }
    }
    out.truncate(MAX_INPUT);
    out
}

/// A random non-empty range inside `len` bytes.
fn range(rng: &mut impl Rng, len: usize) -> (usize, usize) {
    let start = rng.random_range(0..len);
    let end = rng.random_range(start + 1..=len);
    (start, end)
}

/// Puts an edge-case number where a run of digits was (or anywhere, when there is none).
fn replace_number(rng: &mut impl Rng, out: &mut Vec<u8>) {
    let number = NUMBERS[rng.random_range(0..NUMBERS.len())].as_bytes();
    let digits: Vec<usize> = (0..out.len())
        .filter(|&i| out[i].is_ascii_digit())
        .collect();
    if digits.is_empty() {
        let at = rng.random_range(0..=out.len());
        out.splice(at..at, number.iter().copied());
        return;
    }
    let start = digits[rng.random_range(0..digits.len())];
    let mut end = start;
    while end < out.len() && out[end].is_ascii_digit() {
        end += 1;
    }
    out.splice(start..end, number.iter().copied());
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn mutations_stay_within_the_input_limit() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let seed = vec![b'<'; MAX_INPUT];
        for _ in 0..200 {
            assert!(
                mutate(&mut rng, &seed, &["<a>"], std::slice::from_ref(&seed)).len() <= MAX_INPUT
            );
        }
        assert!(mutate(&mut rng, &[], &[], &[]).len() <= MAX_INPUT);
    }
}

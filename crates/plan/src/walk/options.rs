//! The search's knobs and its portable seeded generator.

/// Knobs of the local search (the defaults are what the tests and benches use).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SearchOptions {
    /// Ruin-and-recreate iterations after the greedy construction.
    pub iterations: usize,
    /// Largest block of consecutive tasks removed in one iteration.
    pub max_block: usize,
    /// Start of the acceptance threshold: a new route is accepted if its value is at least
    /// `(1 - threshold)` × the current one; the threshold falls linearly to 0.
    pub threshold: f64,
    /// Share of iterations whose repair offers every gap of the route to the free tasks; the
    /// others offer only the gaps the ruin and 2-opt made (faster, slightly myopic).
    pub full_scan: f64,
}

impl Default for SearchOptions {
    fn default() -> Self {
        Self {
            iterations: 200,
            max_block: 12,
            threshold: 0.05,
            full_scan: 0.2,
        }
    }
}

/// SplitMix64: a tiny, portable, seeded generator (the walk must not change with a `rand`
/// upgrade).
#[derive(Clone, Debug)]
pub(crate) struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x5851_F42D_4C95_7F2D)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    /// Uniform in [0, 1).
    #[allow(clippy::cast_precision_loss)]
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

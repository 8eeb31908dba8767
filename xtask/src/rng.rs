//! A tiny seeded pseudo-random generator (xorshift64*) for generated test and benchmark
//! data: the same seed gives the same text on every run and every machine, so figures
//! from two runs are comparable. It is not for anything that needs real randomness,
//! and it deliberately has no dependency.

/// xorshift64* (Vigna, 2016): a 64-bit xorshift state with a multiplicative output.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator for `seed`. Any seed is fine, zero included: it is scrambled first,
    /// so nearby seeds (one per chunk of output) give unrelated streams.
    pub fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        Rng { state: if z == 0 { 0x2545_f491_4f6c_dd1d } else { z } }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n`; `n` must be positive.
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        // Multiply-shift on the high bits: no division, and no modulo bias worth the name.
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A number in `range` (inclusive at both ends).
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One item of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let a: Vec<u64> = (0..4).scan(Rng::new(7), |r, _| Some(r.next_u64())).collect();
        let b: Vec<u64> = (0..4).scan(Rng::new(7), |r, _| Some(r.next_u64())).collect();
        let c: Vec<u64> = (0..4).scan(Rng::new(8), |r, _| Some(r.next_u64())).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut rng = Rng::new(0);
        let mut seen = [false; 5];
        for _ in 0..1000 {
            let n = rng.below(5);
            seen[n] = true;
        }
        assert!(seen.iter().all(|&s| s));
        assert!((0..1000).all(|_| (3..=9).contains(&rng.between(3, 9))));
    }
}

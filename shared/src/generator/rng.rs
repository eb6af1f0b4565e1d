//! The generator's random numbers.
//!
//! Hand-written instead of taken from the `rand` crate: `rand` reserves the right to change the
//! value stream of its generators between versions, and a township generated from a seed must
//! stay the same township forever (demo screenshots, benchmark baselines, bug reports quoting a
//! seed). xoshiro256** seeded through splitmix64 are fixed, published algorithms, and only
//! integer arithmetic is used below so native and wasm32 builds agree bit for bit.

use crate::document::DocumentId;

const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(GOLDEN_GAMMA);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// xoshiro256**.
pub(super) struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        let mut state = seed;
        // Consecutive splitmix64 outputs are distinct, so the state is never all zeros.
        Self {
            s: std::array::from_fn(|_| splitmix64(&mut state)),
        }
    }

    /// A stream of its own for one part of the township (say, village 3's disputes), so that
    /// asking for more disputes does not reshuffle that village's households.
    pub fn for_stream(seed: u64, path: &[u64]) -> Self {
        let mut key = seed;
        for &part in path {
            let mut state = key ^ splitmix64(&mut { part });
            key = splitmix64(&mut state);
        }
        Self::new(key)
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n`. Multiply-and-shift rather than `%`: no division, and the bias for the
    /// small `n` used here is far below anything a demo could show.
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "cannot choose from nothing");
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        assert!(lo <= hi, "empty range {lo}..={hi}");
        let span = usize::try_from(hi - lo).expect("range fits in usize") + 1;
        lo + self.below(span) as i64
    }

    /// True `percent` times out of a hundred.
    pub fn percent(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        *self.pick_ref(items)
    }

    pub fn pick_ref<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Favours the front of `items` (density falling linearly to the end), for pools listed
    /// most common first such as surnames.
    pub fn pick_common<T: Copy>(&mut self, items: &[T]) -> T {
        *self.pick_common_ref(items)
    }

    pub fn pick_common_ref<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let (a, b) = (self.below(items.len()), self.below(items.len()));
        &items[a.min(b)]
    }

    pub fn weighted<T: Copy>(&mut self, items: &[(T, usize)]) -> T {
        let total = items.iter().map(|&(_, w)| w).sum();
        let mut roll = self.below(total);
        for &(item, weight) in items {
            if roll < weight {
                return item;
            }
            roll -= weight;
        }
        unreachable!("the roll is below the total weight")
    }

    /// `k` distinct indices below `n` (all of them when `k >= n`), in the order drawn.
    pub fn distinct(&mut self, n: usize, k: usize) -> Vec<usize> {
        if k >= n {
            return (0..n).collect();
        }
        let mut chosen = Vec::with_capacity(k);
        while chosen.len() < k {
            let i = self.below(n);
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen
    }

    pub fn document_id(&mut self) -> DocumentId {
        let (a, b) = (self.next_u64(), self.next_u64());
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&a.to_le_bytes());
        bytes[8..].copy_from_slice(&b.to_le_bytes());
        DocumentId::from_random_bytes(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_published_reference_sequence() {
        let mut state = 1_234_567;
        let outputs: Vec<u64> = (0..5).map(|_| splitmix64(&mut state)).collect();
        assert_eq!(
            outputs,
            [
                6_457_827_717_110_365_317,
                3_203_168_211_198_807_973,
                9_817_491_932_198_370_423,
                4_593_380_528_125_082_431,
                16_408_922_859_458_223_821,
            ]
        );
    }

    #[test]
    fn xoshiro256_starstar_matches_the_reference_implementation() {
        let mut rng = Rng { s: [1, 2, 3, 4] };
        let outputs: Vec<u64> = (0..4).map(|_| rng.next_u64()).collect();
        assert_eq!(
            outputs,
            [11_520, 0, 1_509_978_240, 1_215_971_899_390_074_240]
        );
    }

    #[test]
    fn the_stream_for_a_seed_never_changes() {
        let mut rng = Rng::new(2022);
        let outputs: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(outputs, PINNED_2022);
        let mut village = Rng::for_stream(2022, &[1, 2]);
        assert_eq!(village.next_u64(), PINNED_STREAM_1_2);
    }

    const PINNED_2022: [u64; 3] = [
        3_621_168_564_900_345_540,
        10_949_590_237_932_781_981,
        11_347_232_710_541_352_989,
    ];
    const PINNED_STREAM_1_2: u64 = 131_485_321_243_016_316;

    #[test]
    fn streams_for_different_parts_differ() {
        let mut a = Rng::for_stream(7, &[1, 2]);
        let mut b = Rng::for_stream(7, &[2, 1]);
        let mut c = Rng::for_stream(8, &[1, 2]);
        let (a, b, c) = (a.next_u64(), b.next_u64(), c.next_u64());
        assert!(a != b && a != c && b != c);
    }

    #[test]
    fn choices_stay_within_their_bounds_and_reach_both_ends() {
        let mut rng = Rng::new(1);
        let rolls: Vec<i64> = (0..1000).map(|_| rng.int(-2, 3)).collect();
        assert!(rolls.iter().all(|r| (-2..=3).contains(r)));
        assert!(rolls.contains(&-2) && rolls.contains(&3));
        let mut picked = rng.distinct(10, 4);
        picked.sort_unstable();
        picked.dedup();
        assert_eq!(picked.len(), 4);
        assert_eq!(rng.distinct(3, 5), [0, 1, 2]);
    }

    #[test]
    fn weights_are_respected() {
        let mut rng = Rng::new(3);
        let heavy = (0..1000)
            .filter(|_| rng.weighted(&[("heavy", 9), ("light", 1), ("never", 0)]) == "heavy")
            .count();
        assert!((850..=950).contains(&heavy), "{heavy}");
    }
}

//! A fast, non-cryptographic hasher for keys that are never attacker-chosen in a way that
//! matters (search tokens, versions compared within one process). Used by the search index and
//! by the watch caches of the model and the renderer, so it lives below both.

use std::hash::Hasher;

/// The multiply-rotate hash of rustc (`FxHasher`): a few instructions per 8 bytes, where the
/// default SipHash took a tenth of the index's time.
#[derive(Default, Clone)]
pub struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }
    fn write_u128(&mut self, k: u128) {
        self.add(k as u64);
        self.add((k >> 64) as u64);
    }
    fn finish(&self) -> u64 {
        // The rotation brings well-mixed high bits down to the bucket index (rustc-hash 2 does
        // the same): the low bits of a product depend only on the low bits of the input, which
        // for a packed key would be just the first byte or two of the token.
        self.0.rotate_left(26)
    }
}

/// A `HashMap` with [`FxHasher`], for the maps of one build and of the watch caches (keys are
/// paths, ids and versions; hashing them with SipHash was a visible part of a rebuild).
pub type FxHashMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

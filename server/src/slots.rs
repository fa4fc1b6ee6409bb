//! Counted places per key, given back on drop: how many feeds a watcher holds open, how
//! many connections an address holds. A key with no places taken takes no memory.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

/// The places taken, per key.
#[derive(Debug)]
pub struct Slots<K> {
    counts: Mutex<HashMap<K, usize>>,
}

impl<K> Default for Slots<K> {
    fn default() -> Self {
        Self { counts: Mutex::new(HashMap::new()) }
    }
}

/// One place; dropping it gives it back.
#[derive(Debug)]
pub struct Slot<K: Eq + Hash> {
    slots: Arc<Slots<K>>,
    key: K,
}

impl<K: Eq + Hash + Clone> Slots<K> {
    /// Takes a place for `key` if it holds fewer than `max`.
    pub fn claim(self: &Arc<Self>, key: K, max: usize) -> Option<Slot<K>> {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let count = counts.entry(key.clone()).or_insert(0);
        if *count >= max {
            if *count == 0 {
                counts.remove(&key);
            }
            return None;
        }
        *count += 1;
        Some(Slot { slots: self.clone(), key })
    }

    /// How many places `key` holds.
    pub fn count(&self, key: &K) -> usize {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner).get(key).copied().unwrap_or(0)
    }

    /// How many keys hold a place.
    pub fn keys(&self) -> usize {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

impl<K: Eq + Hash> Drop for Slot<K> {
    fn drop(&mut self) {
        let mut counts = self.slots.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = counts.get_mut(&self.key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_capped_per_key_and_given_back_on_drop() {
        let slots = Arc::new(Slots::default());
        let held: Vec<Slot<&str>> = (0..3).map(|_| slots.claim("a", 3).unwrap()).collect();
        assert!(slots.claim("a", 3).is_none());
        let other = slots.claim("b", 3).unwrap();
        drop(held);
        assert_eq!(slots.count(&"a"), 0);
        assert_eq!(slots.keys(), 1, "keys with no places are forgotten");
        assert!(slots.claim("a", 3).is_some());
        assert!(slots.claim("c", 0).is_none());
        drop(other);
        assert_eq!(slots.keys(), 0);
    }
}

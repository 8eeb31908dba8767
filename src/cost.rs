//! Counting the work a stage does, so tests check cost bounds by operation counts
//! rather than by the clock.
//!
//! The inner loops that could grow faster than their input (a distance table, a scan
//! of the translations of one sentence) call [`count`] with the units they do; a test
//! reads [`spent`] before and after a stage fed the worst input at the limits and
//! asserts a bound written as a function of the input's size. The counter is per
//! thread and costs one addition, so it is always on; work done on rayon's other
//! threads is not seen, which is why the stages it guards run on the caller's.

use std::cell::Cell;

thread_local! {
    static SPENT: Cell<u64> = const { Cell::new(0) };
}

/// Records `units` of work on this thread.
pub fn count(units: usize) {
    SPENT.with(|w| w.set(w.get().saturating_add(units as u64)));
}

/// The work recorded on this thread so far.
pub fn spent() -> u64 {
    SPENT.with(Cell::get)
}

//! Values made on first use by code that runs on rayon's workers.
//!
//! `OnceLock::get_or_init` makes every other thread wait while one makes the value. Where the
//! making itself runs in parallel, the making thread takes up other tasks while it waits for
//! its helpers; one of them that asks for the same value waits on the lock its own thread
//! holds, and every worker hangs. Here no thread waits on another's making: each one that finds
//! the value missing makes it, and the first one stored is kept.

use std::sync::OnceLock;

/// The value in `cell`, made by `make` if it is not there yet.
pub fn get_or_make<T>(cell: &OnceLock<T>, make: impl FnOnce() -> T) -> &T {
    if let Some(value) = cell.get() {
        return value;
    }
    let made = make();
    // Under the lock only the move: nothing parallel runs while others wait on it.
    cell.get_or_init(|| made)
}

//! The page size of the process's heap: huge pages for a small run, small pages for a large
//! input.
//!
//! A book's run touches about 11 MB of fresh heap in 4 KB pages: 2 950 page faults, and a
//! third of its CPU in the system on this kind of virtual machine. In 2 MB pages that is
//! about 330 faults and 5–20 % less time, for nearly twice the memory (33 MB instead of 18):
//! a huge page is held whole once touched, and the allocator spreads a run's small
//! allocations over its arena. For a record file of 68 MB that doubling would pass its memory
//! floor (2× the file), so the heap goes back to small pages as soon as a buffer large enough
//! to be mapped on its own is made ([`crate::pages`]); what the heap touched before then (the
//! workers' first allocations, the rules parsed beside the file being read) stays in huge
//! pages, 3 MB more for that file.
//!
//! The heap is mimalloc's first arena, the 1 GiB it reserves at the process's first
//! allocation; the advice applies to the pages first touched after it. Where the allocator is
//! another (the tests), or the system offers no huge pages on request, nothing changes.

#[cfg(target_os = "linux")]
use std::sync::atomic::{AtomicBool, Ordering};

/// Ask for huge pages for the heap from here on. Called once, as the binary starts.
pub fn prefer_huge_pages() {
    advise_arena(Pages::Huge);
}

/// Ask for small pages for the heap from here on: the input is large.
pub fn prefer_small_pages() {
    advise_arena(Pages::Small);
}

#[derive(Clone, Copy)]
enum Pages {
    Huge,
    Small,
}

/// Once small, the heap stays small: a second large buffer, or one made on another thread,
/// asks nothing more of the system.
#[cfg(target_os = "linux")]
static SMALL: AtomicBool = AtomicBool::new(false);

/// The advice to give for `pages`, if any, given whether the heap went `small` already.
#[cfg(target_os = "linux")]
fn advice(pages: Pages, small: &AtomicBool) -> Option<std::ffi::c_int> {
    match pages {
        Pages::Huge if !small.load(Ordering::Relaxed) => Some(libc::MADV_HUGEPAGE),
        Pages::Small if !small.swap(true, Ordering::Relaxed) => Some(libc::MADV_NOHUGEPAGE),
        _ => None,
    }
}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn advise_arena(pages: Pages) {
    let Some(advice) = advice(pages, &SMALL) else {
        return;
    };
    let mut size = 0usize;
    // SAFETY: reads mimalloc's table of arenas; id 1 is the first arena (index 0), and an
    // arena not reserved gives a null pointer.
    let start = unsafe { mi_arena_area(1, &mut size) };
    if start.is_null() || size == 0 {
        return;
    }
    // SAFETY: advice on the page size of memory the allocator mapped: it neither maps, frees
    // nor changes what the pages hold. A refusal leaves the heap as it was.
    let _ = unsafe { libc::madvise(start, size, advice) };
}

#[cfg(not(target_os = "linux"))]
fn advise_arena(_: Pages) {}

// Linked wherever the library is, the tests too, though only the binary allocates with it.
#[cfg(target_os = "linux")]
extern crate mimalloc as _;

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
unsafe extern "C" {
    /// mimalloc's (`mimalloc.h`): the start and size of the arena with this id.
    fn mi_arena_area(arena_id: std::ffi::c_int, size: *mut usize) -> *mut std::ffi::c_void;
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn the_heap_once_small_stays_small() {
        let small = AtomicBool::new(false);
        assert_eq!(advice(Pages::Huge, &small), Some(libc::MADV_HUGEPAGE));
        assert_eq!(advice(Pages::Small, &small), Some(libc::MADV_NOHUGEPAGE));
        assert_eq!(advice(Pages::Small, &small), None);
        assert_eq!(advice(Pages::Huge, &small), None);
    }
}

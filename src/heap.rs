//! The process's heap: mimalloc, called without alignment checks where a layout needs none
//! ([`Allocator`]), and its page size: huge pages for a small run, small pages for a large
//! input.
//!
//! A book's run touches about 11 MB of fresh heap in 4 KB pages: 2 950 page faults, and a
//! third of its CPU in the system on this kind of virtual machine. In 2 MB pages that is
//! about 330 faults and 5–20 % less time, for nearly twice the memory (33 MB instead of 18):
//! a huge page is held whole once touched, and the allocator spreads a run's small
//! allocations over its arena. For a record file of 68 MB that doubling would pass its memory
//! floor (2× the file), so `check` asks for small pages before its workers start where its
//! data folder holds such a file ([`fit_to`]), and the heap goes back to small pages as soon
//! as a buffer large enough to be mapped on its own is made ([`crate::pages`]) where the
//! folder did not tell (a link, a large file past the entries looked at): what the heap
//! touched before then stays in huge pages (for the record file, 2 MB more than when told).
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

/// Small pages from here on where the folder `data` holds a file large enough to be read into
/// memory of its own ([`crate::pages`]): asked before the workers start, whose first
/// allocations would otherwise each take a huge page (the record file of 68 MB took about 2 MB
/// more that way, nearer its floor of twice the file). One look at each of the
/// folder's first [`LOOKS`] entries, without following links: a link to a large file, a large
/// file deeper down or further on leaves the heap as it is until that file is read.
pub fn fit_to(data: &std::path::Path) {
    if holds_large_file(data) {
        prefer_small_pages();
    }
}

/// Entries looked at, at most: a record file's folder holds one or two, a book's dozens of
/// small tables, each of which would be one look more on every run, before any work starts.
const LOOKS: usize = 8;

fn holds_large_file(data: &std::path::Path) -> bool {
    let large = u64::try_from(crate::pages::MAPPED_FROM).unwrap_or(u64::MAX);
    std::fs::read_dir(data).is_ok_and(|entries| {
        entries.take(LOOKS).any(|entry| {
            entry
                .and_then(|entry| entry.metadata())
                .is_ok_and(|metadata| metadata.is_file() && metadata.len() >= large)
        })
    })
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

/// mimalloc, asked for alignment only where a layout needs more than its blocks have.
///
/// The `mimalloc` crate's allocator passes every layout's alignment to `mi_malloc_aligned`,
/// whose checks cost a book's run 3.8 M instructions over plain `mi_malloc` (Callgrind).
/// mimalloc's blocks of 16 bytes or more are aligned to 16 (its size classes below 8 words
/// round up to 2 words, `mi_bin`, and `_mi_page_malloc` asserts it), the smaller ones (8
/// bytes) to 8: a layout asking no more than 16 and no more than its size is served plain,
/// the rule std's allocator follows over the system's `malloc`.
pub struct Allocator;

/// The alignment every mimalloc block of at least this size has (`MI_MAX_ALIGN_SIZE`).
const BLOCK_ALIGN: usize = 16;

/// Whether a plain block of `size` bytes is aligned to `align`.
fn plain(align: usize, size: usize) -> bool {
    align <= BLOCK_ALIGN && align <= size
}

// SAFETY: each call hands mimalloc's own functions what they document: a size (and an
// alignment where one is needed), or a pointer mimalloc returned; a plain block is aligned
// as `plain` requires.
#[allow(unsafe_code)]
unsafe impl std::alloc::GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if plain(layout.align(), layout.size()) {
            unsafe { mi_malloc(layout.size()).cast() }
        } else {
            unsafe { mimalloc::MiMalloc.alloc(layout) }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if plain(layout.align(), layout.size()) {
            unsafe { mi_zalloc(layout.size()).cast() }
        } else {
            unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if plain(layout.align(), new_size) {
            unsafe { mi_realloc(ptr.cast(), new_size).cast() }
        } else {
            unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
}

#[allow(unsafe_code)]
unsafe extern "C" {
    /// mimalloc's (`mimalloc.h`): a block of at least `size` bytes.
    fn mi_malloc(size: usize) -> *mut std::ffi::c_void;
    /// mimalloc's: the same, zeroed.
    fn mi_zalloc(size: usize) -> *mut std::ffi::c_void;
    /// mimalloc's: the block at `ptr` moved or grown to `new_size` bytes.
    fn mi_realloc(ptr: *mut std::ffi::c_void, new_size: usize) -> *mut std::ffi::c_void;
}

// Linked wherever the library is, the tests too, though only the binary allocates with it.
#[cfg(target_os = "linux")]
extern crate mimalloc as _;

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
unsafe extern "C" {
    /// mimalloc's (`mimalloc.h`): the start and size of the arena with this id.
    fn mi_arena_area(arena_id: std::ffi::c_int, size: *mut usize) -> *mut std::ffi::c_void;
}

#[cfg(test)]
mod allocator_tests {
    use super::*;
    use std::alloc::{GlobalAlloc, Layout};

    /// Every block is aligned as its layout asks, keeps what was written in it when grown or
    /// shrunk, and is zeroed where asked: layouts of each alignment up to a page, sizes on
    /// either side of it.
    #[test]
    #[allow(unsafe_code)]
    fn blocks_are_aligned_as_asked_and_keep_their_bytes() {
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            // 52 at 16: a small hash table's layout (buckets, then control bytes).
            for size in [1, 3, 8, 15, 16, 17, 24, 52, 100, 5000, 70_000] {
                let Ok(layout) = Layout::from_size_align(size, align) else {
                    continue;
                };
                // SAFETY: a layout of non-zero size; each block is written within its
                // size, then freed once with the layout it was made (or moved) with.
                unsafe {
                    let zeroed = Allocator.alloc_zeroed(layout);
                    assert!(!zeroed.is_null());
                    assert_eq!(zeroed as usize % align, 0, "{size} bytes at {align}");
                    assert!(
                        std::slice::from_raw_parts(zeroed, size)
                            .iter()
                            .all(|&b| b == 0)
                    );
                    Allocator.dealloc(zeroed, layout);
                    // Blocks one after another in a page: each aligned, not only the first.
                    let run: Vec<*mut u8> = (0..64).map(|_| Allocator.alloc(layout)).collect();
                    for &block in &run {
                        assert_eq!(block as usize % align, 0, "{size} bytes at {align}");
                    }
                    for block in run {
                        Allocator.dealloc(block, layout);
                    }
                    let mut block = Allocator.alloc(layout);
                    assert_eq!(block as usize % align, 0, "{size} bytes at {align}");
                    for i in 0..size {
                        block.add(i).write(i as u8);
                    }
                    for new_size in [size * 3, size.div_ceil(2)] {
                        let moved = Allocator.realloc(block, layout, new_size);
                        assert_eq!(moved as usize % align, 0, "{new_size} bytes at {align}");
                        let kept = size.min(new_size);
                        let bytes = std::slice::from_raw_parts(moved, kept);
                        assert!(bytes.iter().enumerate().all(|(i, &b)| b == i as u8));
                        let layout = Layout::from_size_align(new_size, align).unwrap();
                        let back = Allocator.realloc(moved, layout, size);
                        if new_size < size {
                            for i in new_size..size {
                                back.add(i).write(i as u8);
                            }
                        }
                        let bytes = std::slice::from_raw_parts(back, size);
                        assert!(bytes.iter().enumerate().all(|(i, &b)| b == i as u8));
                        block = back;
                    }
                    Allocator.dealloc(block, layout);
                }
            }
        }
    }
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

    /// A folder with a file to be read into memory of its own asks for small pages before the
    /// workers start; small files, a link, a large file deeper down, or no folder do not.
    #[test]
    fn a_folder_holding_a_large_file_is_told_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(data.join("inner")).unwrap();
        std::fs::write(data.join("tables.toml"), "[[table]]\n").unwrap();
        let sized = |path: std::path::PathBuf, len: usize| {
            let file = std::fs::File::create(path).unwrap();
            file.set_len(u64::try_from(len).unwrap()).unwrap();
        };
        let large = crate::pages::MAPPED_FROM;
        sized(data.join("small.csv"), large - 1);
        sized(data.join("inner/large.csv"), large);
        sized(dir.path().join("outside.csv"), large);
        std::os::unix::fs::symlink(dir.path().join("outside.csv"), data.join("link.csv")).unwrap();
        assert!(!holds_large_file(&data));
        assert!(!holds_large_file(&dir.path().join("gone")));
        sized(data.join("large.csv"), large);
        assert!(holds_large_file(&data));
    }
}

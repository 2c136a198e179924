//! Large buffers in memory of their own: a record file's text and its grid of cells.
//!
//! A buffer of tens of megabytes in the allocator's small (4 KB) pages costs a page fault per
//! page on first touch, and a miss in the address cache on most reads after: at 68 MB that
//! is 17 000 faults and about a third of the run's time. Mapped on its own, the buffer can be
//! advised to use the system's huge (2 MB) pages where it offers them on request (Linux's
//! transparent huge pages in `madvise` mode). Small buffers stay on the heap.
//!
//! [`Utf8Pages`] is such a buffer known to hold UTF-8: a file's text, validated once.

use std::ops::{Deref, DerefMut};

/// From this size a buffer is mapped on its own: a huge page's worth. (A record file's row
/// starts, 4 bytes for each of 10⁶ rows, are just under 4 MiB: on the heap, they were a
/// thousand page faults.)
pub const MAPPED_FROM: usize = HUGE_PAGE;

/// A fixed-length buffer of plain values (bytes, 4-byte cells), zeroed when made.
pub struct Pages<T> {
    storage: Storage<T>,
}

enum Storage<T> {
    Heap(Vec<T>),
    /// `len` values from byte `start` of `map`, the first huge page boundary in it.
    Mapped {
        map: memmap2::MmapMut,
        start: usize,
        len: usize,
    },
}

/// The size of a huge page, and so the boundary a mapped buffer starts on.
const HUGE_PAGE: usize = 2 << 20;

impl<T: bytemuck::Pod> Pages<T> {
    /// `len` zeroed values: mapped on their own where they are large, else on the heap (and
    /// on the heap too where the system refuses the map).
    pub fn zeroed(len: usize) -> Self {
        let bytes = len.saturating_mul(std::mem::size_of::<T>());
        // A map starts where the system puts it, on a small page's boundary: only the huge
        // pages wholly inside it can be huge, and the rest of the 2 MB at each end, a
        // thousand small pages at worst, was a fault each. Mapped two huge pages longer, the
        // buffer starts on the first huge page boundary in the map and ends inside it.
        if bytes >= MAPPED_FROM {
            // The input is large: the heap's small allocations go back to small pages.
            crate::heap::prefer_small_pages();
        }
        if bytes >= MAPPED_FROM
            && let Ok(map) = memmap2::MmapOptions::new()
                .len(bytes.saturating_add(2 * HUGE_PAGE))
                .map_anon()
        {
            let address = map.as_ptr().addr();
            let start = address.next_multiple_of(HUGE_PAGE) - address;
            advise_huge_pages(&map, start, bytes);
            return Pages {
                storage: Storage::Mapped { map, start, len },
            };
        }
        Pages::from(vec![T::zeroed(); len])
    }

    /// Whether the buffer is mapped on its own rather than held on the heap.
    pub fn is_mapped(&self) -> bool {
        matches!(self.storage, Storage::Mapped { .. })
    }
}

#[cfg(target_os = "linux")]
fn advise_huge_pages(map: &memmap2::MmapMut, start: usize, bytes: usize) {
    // A huge page is held whole once touched: the buffer's last, where less than half of it
    // is filled, is left in small pages, so that at most half a huge page is held past the
    // buffer's bytes. (The map runs two huge pages past them.)
    let huge = (bytes + HUGE_PAGE / 2) / HUGE_PAGE * HUGE_PAGE;
    if huge > 0 {
        // Advice, not a request: without huge pages the map is read in small pages, as the
        // heap is.
        let _ = map.advise_range(memmap2::Advice::HugePage, start, huge);
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_: &memmap2::MmapMut, _: usize, _: usize) {}

impl<T: bytemuck::Pod> Pages<T> {
    /// The values in a vector: the heap's as they are, a map's copied.
    pub fn into_vec(self) -> Vec<T> {
        match self.storage {
            Storage::Heap(values) => values,
            Storage::Mapped { .. } => self.to_vec(),
        }
    }
}

/// No values, on the heap.
impl<T> Default for Pages<T> {
    fn default() -> Self {
        Pages::from(Vec::new())
    }
}

impl<T> From<Vec<T>> for Pages<T> {
    fn from(values: Vec<T>) -> Self {
        Pages {
            storage: Storage::Heap(values),
        }
    }
}

impl<T: bytemuck::Pod> Deref for Pages<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match &self.storage {
            Storage::Heap(values) => values,
            // The buffer starts on a page boundary and holds `len` values' bytes: the cast holds.
            Storage::Mapped { map, start, len } => map
                .get(*start..start + len * std::mem::size_of::<T>())
                .and_then(|bytes| bytemuck::try_cast_slice(bytes).ok())
                .unwrap_or_default(),
        }
    }
}

impl<T: bytemuck::Pod> DerefMut for Pages<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.storage {
            Storage::Heap(values) => values,
            Storage::Mapped { map, start, len } => map
                .get_mut(*start..*start + *len * std::mem::size_of::<T>())
                .and_then(|bytes| bytemuck::try_cast_slice_mut(bytes).ok())
                .unwrap_or_default(),
        }
    }
}

impl AsRef<[u8]> for Pages<u8> {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl<T: bytemuck::Pod> Clone for Pages<T> {
    fn clone(&self) -> Self {
        let mut copy = Pages::zeroed(self.len());
        copy.copy_from_slice(self);
        copy
    }
}

impl<T: bytemuck::Pod + std::fmt::Debug> std::fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

type Str<'a> = &'a str;

self_cell::self_cell!(
    /// A buffer of UTF-8 and its text, validated once, when made.
    pub struct Utf8Pages {
        owner: Pages<u8>,
        #[covariant]
        dependent: Str,
    }
);

impl Utf8Pages {
    /// The buffer's text, or the buffer back where it is not UTF-8.
    pub fn of(bytes: Pages<u8>) -> Result<Self, Pages<u8>> {
        Utf8Pages::try_new_or_recover(bytes, |bytes| simdutf8::basic::from_utf8(bytes))
            .map_err(|(bytes, _)| bytes)
    }

    /// [`Utf8Pages::of`], with what `beside` finds in the bytes, run side by side with their
    /// validation: a text is made `&str` only by one validation of it whole, on one core,
    /// which leaves the others free for another pass over the same bytes.
    pub fn of_beside<T: Send>(
        bytes: Pages<u8>,
        beside: impl FnOnce(&[u8]) -> T + Send,
    ) -> Result<(Self, T), Pages<u8>> {
        let mut found = None;
        let text = Utf8Pages::try_new_or_recover(bytes, |bytes| {
            let (text, other) = rayon::join(|| simdutf8::basic::from_utf8(bytes), || beside(bytes));
            found = Some(other);
            text
        })
        .map_err(|(bytes, _)| bytes)?;
        match found {
            Some(found) => Ok((text, found)),
            // The builder ran, so `found` is set: this arm is not taken.
            None => Err(text.into_owner()),
        }
    }

    pub fn as_str(&self) -> &str {
        self.borrow_dependent()
    }
}

impl Clone for Utf8Pages {
    fn clone(&self) -> Self {
        let copy = Utf8Pages::of(self.borrow_owner().clone());
        // A copy of UTF-8 is UTF-8: the other arm is not taken.
        copy.unwrap_or_else(|bytes| Utf8Pages::new(bytes, |_| ""))
    }
}

impl std::fmt::Debug for Utf8Pages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_buffer_is_mapped_zeroed_and_holds_what_is_written() {
        let len = MAPPED_FROM / 4 + 1;
        let mut cells = Pages::<u32>::zeroed(len);
        assert!(cells.is_mapped());
        assert_eq!(cells.len(), len);
        // On a huge page boundary, so that every page it takes may be huge.
        assert_eq!(cells.as_ptr().addr() % HUGE_PAGE, 0);
        assert!(cells.iter().all(|&c| c == 0));
        cells[len - 1] = 7;
        cells[0] = 3;
        let copy = cells.clone();
        assert_eq!((copy[0], copy[len - 1], copy.len()), (3, 7, len));
    }

    #[test]
    fn a_small_buffer_stays_on_the_heap() {
        let bytes = Pages::<u8>::zeroed(10);
        assert!(!bytes.is_mapped());
        assert_eq!(&bytes[..], &[0; 10]);
        assert_eq!(&Pages::from(vec![1u8, 2])[..], &[1, 2]);
    }

    #[test]
    fn a_large_buffer_of_utf8_is_its_text_and_any_other_comes_back() {
        let mut bytes = Pages::<u8>::zeroed(MAPPED_FROM + 3);
        bytes[..6].copy_from_slice("合计".as_bytes());
        let text = Utf8Pages::of(bytes).unwrap();
        assert!(text.as_str().starts_with("合计\0"));
        assert_eq!(text.clone().as_str().len(), MAPPED_FROM + 3);

        let mut bytes = Pages::<u8>::zeroed(MAPPED_FROM);
        bytes[7] = 0xff;
        let back = Utf8Pages::of(bytes).unwrap_err();
        assert_eq!(
            (back.len(), back[7], back.is_mapped()),
            (MAPPED_FROM, 0xff, true)
        );
    }
}

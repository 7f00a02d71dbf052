//! A global allocator that overwrites each heap block with zeros before it
//! is freed, so no copy of a secret or of dossier text stays behind in freed
//! heap memory. Copies on the stack are not covered.
//!
//! kluis's own types wipe their secrets on drop, but dependencies free
//! copies that they never wipe. age 0.12.1 frees the 64 KiB buffer in which
//! its `StreamWriter` collects plaintext without wiping it, and any other
//! buffer that grows (`Vec`, `BufWriter`) may free a copy of what it held.
//! The `kluis` binary installs this allocator. A program that uses the
//! library gets the wiping only if it installs it too.

use std::alloc::{GlobalAlloc, Layout};

/// Wraps an allocator so that every block is wiped before it is freed,
/// and a block that moves when it is resized is wiped where it was.
pub struct WipeOnFree<A>(pub A);

// SAFETY: every method forwards to the inner allocator with a layout the
// caller vouched for, and only writes to blocks the caller hands back.
unsafe impl<A: GlobalAlloc> GlobalAlloc for WipeOnFree<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller hands back a block of `layout.size()` bytes
        // that it no longer uses.
        let block = unsafe { std::slice::from_raw_parts_mut(ptr, layout.size()) };
        zeroize::Zeroize::zeroize(block);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // The inner allocator's own realloc may move the block and free the
        // old one unwiped, so a resized block is always copied here.
        // SAFETY: the caller guarantees that `new_size`, rounded up to
        // `layout.align()`, does not overflow `isize`.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: the caller guarantees `new_size` is not zero.
        let new = unsafe { self.0.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are valid for the smaller of the two sizes
            // and do not overlap, and the caller no longer uses the old one.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::System;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The system allocator, counting the freed blocks that were not all
    /// zeros.
    struct Recorder {
        dirty: AtomicUsize,
    }

    unsafe impl GlobalAlloc for Recorder {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            unsafe { System.alloc(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if block.iter().any(|byte| *byte != 0) {
                self.dirty.fetch_add(1, Ordering::SeqCst);
            }
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    fn wiping_recorder() -> WipeOnFree<Recorder> {
        WipeOnFree(Recorder {
            dirty: AtomicUsize::new(0),
        })
    }

    #[test]
    fn freed_block_wiped() {
        let allocator = wiping_recorder();
        let layout = Layout::from_size_align(65536, 8).unwrap();
        unsafe {
            let block = allocator.alloc(layout);
            assert!(!block.is_null());
            block.write_bytes(0x5a, layout.size());
            allocator.dealloc(block, layout);
        }
        assert_eq!(allocator.0.dirty.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn recorder_sees_unwiped_block() {
        let recorder = Recorder {
            dirty: AtomicUsize::new(0),
        };
        let layout = Layout::from_size_align(64, 8).unwrap();
        unsafe {
            let block = recorder.alloc(layout);
            block.write_bytes(0x5a, layout.size());
            recorder.dealloc(block, layout);
        }
        assert_eq!(recorder.dirty.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn resized_block_keeps_content_and_wipes_old() {
        let allocator = wiping_recorder();
        let layout = Layout::from_size_align(32, 8).unwrap();
        unsafe {
            let block = allocator.alloc(layout);
            block.write_bytes(0x5a, layout.size());
            let grown = allocator.realloc(block, layout, 4096);
            assert!(!grown.is_null());
            assert_eq!(std::slice::from_raw_parts(grown, 32), &[0x5a; 32]);
            assert_eq!(allocator.0.dirty.load(Ordering::SeqCst), 0, "the old block");
            let grown_layout = Layout::from_size_align(4096, 8).unwrap();
            let shrunk = allocator.realloc(grown, grown_layout, 16);
            assert_eq!(std::slice::from_raw_parts(shrunk, 16), &[0x5a; 16]);
            allocator.dealloc(shrunk, Layout::from_size_align(16, 8).unwrap());
        }
        assert_eq!(allocator.0.dirty.load(Ordering::SeqCst), 0);
    }
}

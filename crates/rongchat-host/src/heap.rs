//! Hands the allocator's free memory back to the system at the app's quiet moments: a
//! sync that caught up, a window gone to the tray. glibc keeps what was freed in its
//! arenas (one per thread that allocated) for reuse, so the burst of a first sync of
//! 1,000 conversations, or a webview's teardown, stays resident long after it is free.
//! `malloc_trim(0)` gives back the free pages of every arena, not only the heap's top.

/// Gives the free memory back, on a thread of its own (the call walks and locks every
/// arena in turn; it is rare, and callers may be on the UI thread, outside any runtime).
/// Elsewhere than glibc it does nothing: those allocators give large blocks back by
/// themselves, or have no such call.
pub fn give_back_free_memory_soon() {
    let spawned = std::thread::Builder::new()
        .name("malloc-trim".into())
        .spawn(|| {
            let released = give_back_free_memory();
            tracing::debug!(released, "free memory given back to the system");
        });
    if let Err(e) = spawned {
        tracing::debug!("no thread to give memory back: {e}");
    }
}

/// Gives the free memory back now; `true` if the allocator released any.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn give_back_free_memory() -> bool {
    // SAFETY: malloc_trim takes no pointers and only rearranges glibc's own free lists,
    // under the allocator's locks; live allocations are not touched.
    unsafe { libc::malloc_trim(0) == 1 }
}

/// Gives the free memory back now; `true` if the allocator released any.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn give_back_free_memory() -> bool {
    false
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;

    /// Resident bytes of this process (`VmRSS` in `/proc/self/status`, whatever the page
    /// size).
    fn resident_bytes() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").expect("proc status");
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS");
        kib << 10
    }

    #[test]
    fn memory_freed_below_a_live_block_goes_back_to_the_system() {
        const BLOCK: usize = 4096;
        const BLOCKS: usize = 16 * 1024; // 64 MiB in small blocks, as a sync's rows are
        // On a thread of its own, so the blocks are in an arena this test alone uses.
        let (before, kept, after) = std::thread::spawn(|| {
            let blocks: Vec<Vec<u8>> = (0..BLOCKS).map(|i| vec![i as u8; BLOCK]).collect();
            // A live block above them: free() alone cannot shrink the heap past it.
            let kept = vec![1u8; BLOCK];
            drop(blocks);
            let before = resident_bytes();
            give_back_free_memory();
            (before, kept, resident_bytes())
        })
        .join()
        .expect("the allocating thread");
        assert_eq!(kept[0], 1);
        let given_back = before.saturating_sub(after);
        assert!(
            given_back >= 32 << 20,
            "only {} KiB of 64 MiB freed went back (resident {} -> {} KiB)",
            given_back >> 10,
            before >> 10,
            after >> 10
        );
    }
}

//! Working buffers for the copies the dense solvers make (a float matrix in fixed point, an
//! integer matrix narrowed to 32 bits).
//!
//! Where the memory comes from matters as much as the copy itself at n = 4000 (a 128 MB
//! buffer). A fresh heap block is faulted in one 4 KiB page at a time while the copy is written
//! (about 0.07 s). numpy's own arrays ask the kernel for huge pages, which is quicker when huge
//! pages are free but, once the process has allocated and freed other large arrays, can stall
//! in the kernel compacting memory (0.29 s measured, on the first copy after a peer solver had
//! run). A mapping populated in one call has neither cost (0.04–0.06 s for 128 MB), so on Linux
//! large buffers are mapped that way; elsewhere, and for small buffers, they are `Vec`s.
//!
//! Experiments solve many instances of one size in a row, so the last large buffer is kept for
//! the next solve rather than unmapped (as jemalloc keeps freed pages for a while): a solve that
//! follows within [`KEEP_FOR`] reuses it and pays neither the populating nor the unmapping
//! (0.07 s of a 0.4 s solve at n = 4000). A thread returns it to the system once it has been
//! idle that long, so an idle process holds no such memory.

/// A buffer of `len` values of an integer type, for a copy that writes every one of them: its
/// values on creation are unspecified (zeros, or what a previous solve left).
pub(crate) struct Scratch<T: Plain> {
    memory: Memory<T>,
}

/// The integer types a [`Scratch`] holds: every bit pattern of their size is a value.
pub(crate) trait Plain: Copy + Default {}
impl Plain for i32 {}
impl Plain for i64 {}

enum Memory<T> {
    Heap(Vec<T>),
    #[cfg(target_os = "linux")]
    Mapped(mapped::Mapping, usize, std::marker::PhantomData<T>),
}

/// How long the last large buffer is kept for the next solve.
#[cfg(target_os = "linux")]
pub(crate) const KEEP_FOR: std::time::Duration = std::time::Duration::from_secs(2);

/// Buffers at least this large (in bytes) are mapped and populated rather than taken from the
/// heap: the C allocator maps blocks this large afresh each time (its threshold for reusing
/// freed memory stops at 32 MiB), while smaller ones come back from its heap already faulted in.
#[cfg(target_os = "linux")]
const MAP_AT: usize = 32 << 20;

impl<T: Plain> Scratch<T> {
    /// A buffer of `len` values.
    pub(crate) fn new(len: usize) -> Scratch<T> {
        #[cfg(target_os = "linux")]
        if let Some(bytes) = len.checked_mul(size_of::<T>())
            && bytes >= MAP_AT
            && let Some(m) = mapped::spare(bytes).or_else(|| mapped::Mapping::populated(bytes))
        {
            return Scratch {
                memory: Memory::Mapped(m, len, std::marker::PhantomData),
            };
        }
        Scratch {
            memory: Memory::Heap(vec![T::default(); len]),
        }
    }

    /// The buffer's values.
    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        match &mut self.memory {
            Memory::Heap(v) => v,
            #[cfg(target_os = "linux")]
            Memory::Mapped(m, len, _) => m.as_mut_slice(*len),
        }
    }
}

#[cfg(target_os = "linux")]
impl<T: Plain> Drop for Scratch<T> {
    fn drop(&mut self) {
        if let Memory::Mapped(m, ..) = std::mem::replace(&mut self.memory, Memory::Heap(Vec::new()))
        {
            mapped::keep(m);
        }
    }
}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)] // mmap and munmap, for the reasons in the module's documentation
mod mapped {
    use super::{KEEP_FOR, Plain};
    use std::ptr::NonNull;
    use std::sync::Mutex;

    /// A private anonymous mapping, populated when it is made and unmapped when dropped.
    pub(super) struct Mapping {
        ptr: NonNull<u8>,
        bytes: usize,
    }

    // SAFETY: the mapping is owned memory, like a `Vec<u8>`'s, reached only through `&mut self`.
    unsafe impl Send for Mapping {}

    /// The buffer kept for the next solve, with the count of buffers kept so far (which tells
    /// the thread that would release it whether it has been taken or replaced since).
    static SPARE: Mutex<(Option<Mapping>, u64)> = Mutex::new((None, 0));

    /// The kept buffer, when it holds at least `bytes` (and not more than twice as many, so that
    /// a small solve does not hold on to a large buffer).
    pub(super) fn spare(bytes: usize) -> Option<Mapping> {
        let mut spare = SPARE.lock().ok()?;
        let fits = spare.0.as_ref()?.bytes;
        if fits < bytes || fits / 2 > bytes {
            return None;
        }
        spare.0.take()
    }

    /// Keeps `m` for the next solve (the buffer kept before it is unmapped), and starts the
    /// thread that unmaps it if no solve has taken it within [`KEEP_FOR`].
    pub(super) fn keep(m: Mapping) {
        let Ok(mut spare) = SPARE.lock() else {
            return; // dropped, so unmapped, here
        };
        let old = spare.0.replace(m);
        spare.1 += 1;
        let kept = spare.1;
        drop(spare);
        drop(old);
        let release = move || {
            std::thread::sleep(KEEP_FOR);
            let idle = SPARE
                .lock()
                .ok()
                .and_then(|mut s| if s.1 == kept { s.0.take() } else { None });
            drop(idle);
        };
        // Without a thread the buffer stays until the next solve replaces or takes it.
        let _ = std::thread::Builder::new()
            .name("duijie-release".into())
            .spawn(release);
    }

    impl Mapping {
        /// `bytes` zero bytes in a fresh mapping, or `None` when the kernel refuses one (the
        /// caller then takes heap memory).
        pub(super) fn populated(bytes: usize) -> Option<Mapping> {
            if bytes == 0 {
                return None;
            }
            // SAFETY: a new anonymous private mapping at an address of the kernel's choosing;
            // no existing memory is touched. The result is checked against MAP_FAILED.
            let p = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    bytes,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_POPULATE,
                    -1,
                    0,
                )
            };
            if p == libc::MAP_FAILED {
                return None;
            }
            Some(Mapping {
                ptr: NonNull::new(p.cast::<u8>())?,
                bytes,
            })
        }

        /// The first `len` values of type `T` of the mapping.
        pub(super) fn as_mut_slice<T: Plain>(&mut self, len: usize) -> &mut [T] {
            assert!(
                len * size_of::<T>() <= self.bytes,
                "a slice beyond the mapping"
            );
            // SAFETY: the mapping is page-aligned (so aligned for `T`), holds at least `len`
            // values (asserted), is initialised (zero-filled by the kernel, then written only
            // as `Plain` values, for which every bit pattern is valid), and is borrowed
            // exclusively through `&mut self` for the slice's lifetime.
            unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr().cast::<T>(), len) }
        }
    }

    impl Drop for Mapping {
        fn drop(&mut self) {
            // SAFETY: unmaps exactly the mapping made in `populated`, once; no slice of it
            // outlives `self`. A failure (which would leak the memory) cannot be reported here.
            unsafe {
                libc::munmap(self.ptr.as_ptr().cast(), self.bytes);
            }
        }
    }
}

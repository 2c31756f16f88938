//! Recording a Rust program for cohsim (docs/recording.md, "Rust programs").
//!
//! [`atomic`] holds drop-in replacements for `std::sync::atomic`'s types and fences:
//! change a program's `use std::sync::atomic::{...}` to `use cohsim_record::atomic::{...}`
//! and every atomic operation calls cohsim's recording runtime (`libcohsim_record.so`,
//! tools/record/record_runtime.cpp) with its ordering. [`RecordCell`] wraps plain
//! shared data (what a C program's `-fsanitize=thread` instrumentation would record)
//! so that its loads and stores are recorded too. Threads made with `std::thread`
//! (pthread_create, pthread_join) are recorded by the runtime itself. [`sync`] holds
//! drop-in replacements for `std::sync::Mutex` and `Condvar` (pthread ones, which the
//! runtime records as lock, unlock and condition waits).
//!
//! There is one trace format and one writer: this crate has no writer of its own. It
//! calls the same `__tsan_*` entry points that clang's thread-sanitizer instrumentation
//! calls in a C program, so `cohsim record -o prog.trace -- ./prog` gives the same
//! per-thread trace, with the same synchronisation replay (spins and Acquire reads of
//! another thread's store become waits, write guards keep each location's order).
//!
//! A program built with this crate still runs natively and prints what it prints; the
//! atomics are performed by the runtime (under its lock), so it is slower. Run outside
//! `cohsim record`, the runtime says once that it is not recording.
#![no_std]

use core::cell::UnsafeCell;

mod ffi {
    extern "C" {
        pub fn __tsan_init();
        pub fn __cohsim_record_ignore_mem_functions();
        pub fn __tsan_atomic_thread_fence(mo: i32);
        pub fn __tsan_atomic_signal_fence(mo: i32);
        pub fn __tsan_read1(a: *const u8);
        pub fn __tsan_read2(a: *const u8);
        pub fn __tsan_read4(a: *const u8);
        pub fn __tsan_read8(a: *const u8);
        pub fn __tsan_read16(a: *const u8);
        pub fn __tsan_write1(a: *const u8);
        pub fn __tsan_write2(a: *const u8);
        pub fn __tsan_write4(a: *const u8);
        pub fn __tsan_write8(a: *const u8);
        pub fn __tsan_write16(a: *const u8);
        pub fn __tsan_read_range(a: *const u8, n: usize);
        pub fn __tsan_write_range(a: *const u8, n: usize);
    }
    macro_rules! hooks {
        ($t:ty, $load:ident, $store:ident, $xchg:ident, $add:ident, $sub:ident, $and:ident, $or:ident, $xor:ident,
         $nand:ident, $cas:ident, $casw:ident) => {
            extern "C" {
                pub fn $load(a: *const $t, mo: i32) -> $t;
                pub fn $store(a: *mut $t, v: $t, mo: i32);
                pub fn $xchg(a: *mut $t, v: $t, mo: i32) -> $t;
                pub fn $add(a: *mut $t, v: $t, mo: i32) -> $t;
                pub fn $sub(a: *mut $t, v: $t, mo: i32) -> $t;
                pub fn $and(a: *mut $t, v: $t, mo: i32) -> $t;
                pub fn $or(a: *mut $t, v: $t, mo: i32) -> $t;
                pub fn $xor(a: *mut $t, v: $t, mo: i32) -> $t;
                pub fn $nand(a: *mut $t, v: $t, mo: i32) -> $t;
                pub fn $cas(a: *mut $t, c: *mut $t, v: $t, mo: i32, fmo: i32) -> i32;
                pub fn $casw(a: *mut $t, c: *mut $t, v: $t, mo: i32, fmo: i32) -> i32;
            }
        };
    }
    hooks!(u8, __tsan_atomic8_load, __tsan_atomic8_store, __tsan_atomic8_exchange, __tsan_atomic8_fetch_add,
           __tsan_atomic8_fetch_sub, __tsan_atomic8_fetch_and, __tsan_atomic8_fetch_or, __tsan_atomic8_fetch_xor,
           __tsan_atomic8_fetch_nand, __tsan_atomic8_compare_exchange_strong, __tsan_atomic8_compare_exchange_weak);
    hooks!(u16, __tsan_atomic16_load, __tsan_atomic16_store, __tsan_atomic16_exchange, __tsan_atomic16_fetch_add,
           __tsan_atomic16_fetch_sub, __tsan_atomic16_fetch_and, __tsan_atomic16_fetch_or, __tsan_atomic16_fetch_xor,
           __tsan_atomic16_fetch_nand, __tsan_atomic16_compare_exchange_strong,
           __tsan_atomic16_compare_exchange_weak);
    hooks!(u32, __tsan_atomic32_load, __tsan_atomic32_store, __tsan_atomic32_exchange, __tsan_atomic32_fetch_add,
           __tsan_atomic32_fetch_sub, __tsan_atomic32_fetch_and, __tsan_atomic32_fetch_or, __tsan_atomic32_fetch_xor,
           __tsan_atomic32_fetch_nand, __tsan_atomic32_compare_exchange_strong,
           __tsan_atomic32_compare_exchange_weak);
    hooks!(u64, __tsan_atomic64_load, __tsan_atomic64_store, __tsan_atomic64_exchange, __tsan_atomic64_fetch_add,
           __tsan_atomic64_fetch_sub, __tsan_atomic64_fetch_and, __tsan_atomic64_fetch_or, __tsan_atomic64_fetch_xor,
           __tsan_atomic64_fetch_nand, __tsan_atomic64_compare_exchange_strong,
           __tsan_atomic64_compare_exchange_weak);
}

// The runtime starts recording in __tsan_init, on the thread that calls it, which
// becomes thread 0. A C program's instrumentation calls it from a module constructor;
// here an .init_array entry does, before main and before any thread exists. The
// memcpy/memset calls of a Rust program come from std (formatting, thread start-up),
// not from the program's shared data, which RecordCell records: they are not recorded.
extern "C" fn start_recording() {
    unsafe {
        ffi::__tsan_init();
        ffi::__cohsim_record_ignore_mem_functions();
    }
}
#[used]
#[link_section = ".init_array"]
static START_RECORDING: extern "C" fn() = start_recording;

/// Plain (non-atomic) shared data whose loads and stores are recorded, as a C
/// program's are by its `-fsanitize=thread` instrumentation. Like `UnsafeCell`, it is
/// the program's job that no two threads access it at once unless both read (a lock,
/// a Release/Acquire hand-over or a join orders them); `cohsim races` checks the
/// recorded trace for the cases where they do not.
#[repr(transparent)]
pub struct RecordCell<T> {
    v: UnsafeCell<T>,
}

unsafe impl<T: Send> Sync for RecordCell<T> {}

impl<T: Copy> RecordCell<T> {
    pub const fn new(v: T) -> Self {
        RecordCell { v: UnsafeCell::new(v) }
    }
    /// Reads the value (a recorded load of its size).
    ///
    /// # Safety
    /// No other thread may write the cell at the same time (a data race).
    pub unsafe fn get(&self) -> T {
        record_read(self.v.get());
        core::ptr::read(self.v.get())
    }
    /// Writes the value (a recorded store of its size; the runtime reads the stored
    /// value back at the thread's next recorded operation).
    ///
    /// # Safety
    /// No other thread may read or write the cell at the same time (a data race).
    pub unsafe fn set(&self, v: T) {
        record_write(self.v.get());
        core::ptr::write(self.v.get(), v)
    }
    /// Unrecorded access through an exclusive reference (no other thread can see it).
    pub fn get_mut(&mut self) -> &mut T {
        self.v.get_mut()
    }
    pub fn into_inner(self) -> T {
        self.v.into_inner()
    }
    pub const fn as_ptr(&self) -> *mut T {
        self.v.get()
    }
}

/// Records a load of `*p` (its size) without performing it: for plain data kept
/// elsewhere than in a [`RecordCell`].
pub fn record_read<T>(p: *const T) {
    let a = p as *const u8;
    unsafe {
        match core::mem::size_of::<T>() {
            0 => {}
            1 => ffi::__tsan_read1(a),
            2 => ffi::__tsan_read2(a),
            4 => ffi::__tsan_read4(a),
            8 => ffi::__tsan_read8(a),
            16 => ffi::__tsan_read16(a),
            n => ffi::__tsan_read_range(a, n),
        }
    }
}

/// Records a store to `*p` (its size) without performing it; call it just before the
/// store (the runtime reads the stored value at the thread's next recorded operation).
pub fn record_write<T>(p: *const T) {
    let a = p as *const u8;
    unsafe {
        match core::mem::size_of::<T>() {
            0 => {}
            1 => ffi::__tsan_write1(a),
            2 => ffi::__tsan_write2(a),
            4 => ffi::__tsan_write4(a),
            8 => ffi::__tsan_write8(a),
            16 => ffi::__tsan_write16(a),
            n => ffi::__tsan_write_range(a, n),
        }
    }
}

pub mod atomic;
pub mod sync;

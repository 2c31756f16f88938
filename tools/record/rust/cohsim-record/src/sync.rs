//! Drop-in replacements for `std::sync::Mutex` and `std::sync::Condvar` whose locking
//! and waiting the recording runtime sees (docs/recording.md, "Rust programs").
//!
//! std's own `Mutex` and `Condvar` wait in the kernel (futex) and call nothing the
//! runtime interposes. These are a `pthread_mutex_t` and a `pthread_cond_t`, so each
//! `lock` and guard drop is a `pthread_mutex_lock` / `pthread_mutex_unlock` and each
//! `wait` a `pthread_cond_wait`, which the runtime records and replays exactly as a C
//! program's: the k-th acquisition of a mutex waits for turn k in the mutex's own word,
//! a release passes turn k+1, and a condition wait is a release and a re-acquisition.
//!
//! The data a `Mutex<T>` protects is reached through its guard, which nothing
//! instruments; the guard records it as a simplified model: each `deref` records a load
//! of the whole `T`, each `deref_mut` a load and a store of it (the stored value is read
//! back at the thread's next recorded operation, at the latest the unlock). The data
//! comes first in the `Mutex` (a `#[no_mangle] static` mutex's data is named after the
//! static in the trace), the pthread mutex after it.
//!
//! Poisoning follows std: a guard dropped while its thread panics poisons the mutex, and
//! `lock` then returns `Err(PoisonError)` holding the guard.
extern crate std;

use crate::{record_read, record_write};
use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LockResult, PoisonError, TryLockError, TryLockResult};

// glibc's pthread_mutex_t (40 bytes) and pthread_cond_t (48 bytes) on 64-bit targets;
// all-zero bytes are PTHREAD_MUTEX_INITIALIZER and PTHREAD_COND_INITIALIZER.
#[repr(C, align(8))]
struct RawMutex([u8; 40]);
#[repr(C, align(8))]
struct RawCond([u8; 48]);

extern "C" {
    fn pthread_mutex_lock(m: *mut RawMutex) -> i32;
    fn pthread_mutex_trylock(m: *mut RawMutex) -> i32;
    fn pthread_mutex_unlock(m: *mut RawMutex) -> i32;
    fn pthread_cond_wait(c: *mut RawCond, m: *mut RawMutex) -> i32;
    fn pthread_cond_signal(c: *mut RawCond) -> i32;
    fn pthread_cond_broadcast(c: *mut RawCond) -> i32;
}

/// A mutual-exclusion lock recorded as lock and unlock (std::sync::Mutex's interface,
/// without `lock` timeouts or `Mutex::get_mut` races: the same methods and results).
#[repr(C)]
pub struct Mutex<T> {
    data: UnsafeCell<T>,
    raw: UnsafeCell<RawMutex>,
    poisoned: AtomicBool, // core's atomic: not recorded (it is the runtime's bookkeeping)
}

unsafe impl<T: Send> Send for Mutex<T> {}
unsafe impl<T: Send> Sync for Mutex<T> {}

/// The lock held; dropping it unlocks.
pub struct MutexGuard<'a, T> {
    lock: &'a Mutex<T>,
}

unsafe impl<T: Sync> Sync for MutexGuard<'_, T> {}

impl<T> Mutex<T> {
    pub const fn new(v: T) -> Self {
        Mutex { data: UnsafeCell::new(v), raw: UnsafeCell::new(RawMutex([0; 40])), poisoned: AtomicBool::new(false) }
    }
    fn guard(&self) -> LockResult<MutexGuard<'_, T>> {
        let g = MutexGuard { lock: self };
        if self.poisoned.load(Ordering::Relaxed) {
            Err(PoisonError::new(g))
        } else {
            Ok(g)
        }
    }
    /// Blocks until the lock is held (a recorded `pthread_mutex_lock`).
    pub fn lock(&self) -> LockResult<MutexGuard<'_, T>> {
        let rc = unsafe { pthread_mutex_lock(self.raw.get()) };
        assert_eq!(rc, 0, "cohsim_record::sync::Mutex: pthread_mutex_lock failed ({rc})");
        self.guard()
    }
    /// Takes the lock if it is free (a recorded `pthread_mutex_trylock`).
    pub fn try_lock(&self) -> TryLockResult<MutexGuard<'_, T>> {
        if unsafe { pthread_mutex_trylock(self.raw.get()) } != 0 {
            return Err(TryLockError::WouldBlock);
        }
        self.guard().map_err(|e| TryLockError::Poisoned(e))
    }
    pub fn is_poisoned(&self) -> bool {
        self.poisoned.load(Ordering::Relaxed)
    }
    pub fn clear_poison(&self) {
        self.poisoned.store(false, Ordering::Relaxed)
    }
    /// Unrecorded access through an exclusive reference (no other thread can see it).
    pub fn get_mut(&mut self) -> LockResult<&mut T> {
        let p = self.is_poisoned();
        let d = self.data.get_mut();
        if p {
            Err(PoisonError::new(d))
        } else {
            Ok(d)
        }
    }
    pub fn into_inner(self) -> LockResult<T> {
        let p = self.is_poisoned();
        let d = self.data.into_inner();
        if p {
            Err(PoisonError::new(d))
        } else {
            Ok(d)
        }
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        let p = self.lock.data.get();
        record_read(p as *const T);
        unsafe { &*p }
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        let p = self.lock.data.get();
        record_read(p as *const T);
        record_write(p as *const T);
        unsafe { &mut *p }
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.lock.poisoned.store(true, Ordering::Relaxed);
        }
        unsafe { pthread_mutex_unlock(self.lock.raw.get()) };
    }
}

/// A condition variable recorded as its mutex's release and re-acquisition
/// (std::sync::Condvar's interface without timeouts).
pub struct Condvar {
    raw: UnsafeCell<RawCond>,
}

unsafe impl Send for Condvar {}
unsafe impl Sync for Condvar {}

impl Condvar {
    pub const fn new() -> Self {
        Condvar { raw: UnsafeCell::new(RawCond([0; 48])) }
    }
    /// Releases the guard's mutex, sleeps until notified, re-acquires it.
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> LockResult<MutexGuard<'a, T>> {
        let lock = guard.lock;
        core::mem::forget(guard); // still held: pthread_cond_wait releases it
        let rc = unsafe { pthread_cond_wait(self.raw.get(), lock.raw.get()) };
        assert_eq!(rc, 0, "cohsim_record::sync::Condvar: pthread_cond_wait failed ({rc})");
        lock.guard()
    }
    /// Waits while `condition` holds for the protected data.
    pub fn wait_while<'a, T, F: FnMut(&mut T) -> bool>(
        &self,
        mut guard: MutexGuard<'a, T>,
        mut condition: F,
    ) -> LockResult<MutexGuard<'a, T>> {
        while condition(&mut *guard) {
            guard = self.wait(guard)?;
        }
        Ok(guard)
    }
    pub fn notify_one(&self) {
        unsafe { pthread_cond_signal(self.raw.get()) };
    }
    pub fn notify_all(&self) {
        unsafe { pthread_cond_broadcast(self.raw.get()) };
    }
}

impl Default for Condvar {
    fn default() -> Self {
        Condvar::new()
    }
}

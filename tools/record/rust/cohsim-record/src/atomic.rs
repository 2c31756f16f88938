//! Drop-in replacements for `std::sync::atomic`: the same names, methods and panics
//! (a Release load, an Acquire store, a Relaxed fence), each operation recorded by
//! cohsim's runtime with its ordering. `Ordering` is std's own.
//!
//! The runtime takes the C11 orders of clang's instrumentation (0 relaxed, 2 acquire,
//! 3 release, 4 acq_rel, 5 seq_cst) and writes them as the Rust orderings they are.

pub use core::sync::atomic::Ordering;

use crate::ffi;
use core::cell::UnsafeCell;
use core::fmt;

fn mo(o: Ordering) -> i32 {
    match o {
        Ordering::Relaxed => 0,
        Ordering::Acquire => 2,
        Ordering::Release => 3,
        Ordering::AcqRel => 4,
        _ => 5,
    }
}

fn load_mo(o: Ordering) -> i32 {
    match o {
        Ordering::Release => panic!("there is no such thing as a release load"),
        Ordering::AcqRel => panic!("there is no such thing as an acquire-release load"),
        o => mo(o),
    }
}

fn store_mo(o: Ordering) -> i32 {
    match o {
        Ordering::Acquire => panic!("there is no such thing as an acquire store"),
        Ordering::AcqRel => panic!("there is no such thing as an acquire-release store"),
        o => mo(o),
    }
}

fn fail_mo(o: Ordering) -> i32 {
    match o {
        Ordering::Release => panic!("there is no such thing as a release failure ordering"),
        Ordering::AcqRel => panic!("there is no such thing as an acquire-release failure ordering"),
        o => mo(o),
    }
}

/// An atomic fence (`std::sync::atomic::fence`), recorded as `fence ORDER`.
pub fn fence(order: Ordering) {
    if order == Ordering::Relaxed {
        panic!("there is no such thing as a relaxed fence");
    }
    unsafe { ffi::__tsan_atomic_thread_fence(mo(order)) }
}

/// A compiler fence (`std::sync::atomic::compiler_fence`): no instruction, nothing recorded.
pub fn compiler_fence(order: Ordering) {
    if order == Ordering::Relaxed {
        panic!("there is no such thing as a relaxed compiler fence");
    }
    core::sync::atomic::compiler_fence(order);
    unsafe { ffi::__tsan_atomic_signal_fence(mo(order)) }
}

/// The runtime's entry points for one width.
trait Raw: Copy + Eq {
    unsafe fn load(a: *const Self, mo: i32) -> Self;
    unsafe fn store(a: *mut Self, v: Self, mo: i32);
    unsafe fn swap(a: *mut Self, v: Self, mo: i32) -> Self;
    unsafe fn add(a: *mut Self, v: Self, mo: i32) -> Self;
    unsafe fn sub(a: *mut Self, v: Self, mo: i32) -> Self;
    unsafe fn and(a: *mut Self, v: Self, mo: i32) -> Self;
    unsafe fn or(a: *mut Self, v: Self, mo: i32) -> Self;
    unsafe fn xor(a: *mut Self, v: Self, mo: i32) -> Self;
    unsafe fn nand(a: *mut Self, v: Self, mo: i32) -> Self;
    unsafe fn cas(a: *mut Self, c: *mut Self, v: Self, mo: i32, fmo: i32) -> i32;
    unsafe fn cas_weak(a: *mut Self, c: *mut Self, v: Self, mo: i32, fmo: i32) -> i32;
}

macro_rules! raw {
    ($t:ty, $load:ident, $store:ident, $xchg:ident, $add:ident, $sub:ident, $and:ident, $or:ident, $xor:ident,
     $nand:ident, $cas:ident, $casw:ident) => {
        impl Raw for $t {
            unsafe fn load(a: *const Self, mo: i32) -> Self { ffi::$load(a, mo) }
            unsafe fn store(a: *mut Self, v: Self, mo: i32) { ffi::$store(a, v, mo) }
            unsafe fn swap(a: *mut Self, v: Self, mo: i32) -> Self { ffi::$xchg(a, v, mo) }
            unsafe fn add(a: *mut Self, v: Self, mo: i32) -> Self { ffi::$add(a, v, mo) }
            unsafe fn sub(a: *mut Self, v: Self, mo: i32) -> Self { ffi::$sub(a, v, mo) }
            unsafe fn and(a: *mut Self, v: Self, mo: i32) -> Self { ffi::$and(a, v, mo) }
            unsafe fn or(a: *mut Self, v: Self, mo: i32) -> Self { ffi::$or(a, v, mo) }
            unsafe fn xor(a: *mut Self, v: Self, mo: i32) -> Self { ffi::$xor(a, v, mo) }
            unsafe fn nand(a: *mut Self, v: Self, mo: i32) -> Self { ffi::$nand(a, v, mo) }
            unsafe fn cas(a: *mut Self, c: *mut Self, v: Self, mo: i32, fmo: i32) -> i32 { ffi::$cas(a, c, v, mo, fmo) }
            unsafe fn cas_weak(a: *mut Self, c: *mut Self, v: Self, mo: i32, fmo: i32) -> i32 {
                ffi::$casw(a, c, v, mo, fmo)
            }
        }
    };
}
raw!(u8, __tsan_atomic8_load, __tsan_atomic8_store, __tsan_atomic8_exchange, __tsan_atomic8_fetch_add,
     __tsan_atomic8_fetch_sub, __tsan_atomic8_fetch_and, __tsan_atomic8_fetch_or, __tsan_atomic8_fetch_xor,
     __tsan_atomic8_fetch_nand, __tsan_atomic8_compare_exchange_strong, __tsan_atomic8_compare_exchange_weak);
raw!(u16, __tsan_atomic16_load, __tsan_atomic16_store, __tsan_atomic16_exchange, __tsan_atomic16_fetch_add,
     __tsan_atomic16_fetch_sub, __tsan_atomic16_fetch_and, __tsan_atomic16_fetch_or, __tsan_atomic16_fetch_xor,
     __tsan_atomic16_fetch_nand, __tsan_atomic16_compare_exchange_strong, __tsan_atomic16_compare_exchange_weak);
raw!(u32, __tsan_atomic32_load, __tsan_atomic32_store, __tsan_atomic32_exchange, __tsan_atomic32_fetch_add,
     __tsan_atomic32_fetch_sub, __tsan_atomic32_fetch_and, __tsan_atomic32_fetch_or, __tsan_atomic32_fetch_xor,
     __tsan_atomic32_fetch_nand, __tsan_atomic32_compare_exchange_strong, __tsan_atomic32_compare_exchange_weak);
raw!(u64, __tsan_atomic64_load, __tsan_atomic64_store, __tsan_atomic64_exchange, __tsan_atomic64_fetch_add,
     __tsan_atomic64_fetch_sub, __tsan_atomic64_fetch_and, __tsan_atomic64_fetch_or, __tsan_atomic64_fetch_xor,
     __tsan_atomic64_fetch_nand, __tsan_atomic64_compare_exchange_strong, __tsan_atomic64_compare_exchange_weak);

// compare_exchange through the runtime: Ok(previous) or Err(current).
unsafe fn cas<U: Raw>(a: *mut U, current: U, new: U, success: Ordering, failure: Ordering, weak: bool) -> Result<U, U> {
    let mut c = current;
    let (s, f) = (mo(success), fail_mo(failure));
    let ok = if weak { U::cas_weak(a, &mut c, new, s, f) } else { U::cas(a, &mut c, new, s, f) };
    if ok != 0 { Ok(current) } else { Err(c) }
}

macro_rules! atomic_int {
    ($(#[$doc:meta])* $name:ident, $t:ty, $u:ty, $align:literal) => {
        $(#[$doc])*
        #[repr(C, align($align))]
        pub struct $name {
            v: UnsafeCell<$t>,
        }

        unsafe impl Sync for $name {}

        impl $name {
            pub const fn new(v: $t) -> Self { $name { v: UnsafeCell::new(v) } }
            fn raw(&self) -> *mut $u { self.v.get() as *mut $u }
            pub fn get_mut(&mut self) -> &mut $t { self.v.get_mut() }
            pub fn into_inner(self) -> $t { self.v.into_inner() }
            pub const fn as_ptr(&self) -> *mut $t { self.v.get() }
            pub fn load(&self, order: Ordering) -> $t { unsafe { <$u as Raw>::load(self.raw(), load_mo(order)) as $t } }
            pub fn store(&self, val: $t, order: Ordering) {
                unsafe { <$u as Raw>::store(self.raw(), val as $u, store_mo(order)) }
            }
            pub fn swap(&self, val: $t, order: Ordering) -> $t {
                unsafe { <$u as Raw>::swap(self.raw(), val as $u, mo(order)) as $t }
            }
            pub fn compare_exchange(&self, current: $t, new: $t, success: Ordering, failure: Ordering)
                -> Result<$t, $t> {
                unsafe { cas(self.raw(), current as $u, new as $u, success, failure, false) }
                    .map(|v| v as $t).map_err(|v| v as $t)
            }
            pub fn compare_exchange_weak(&self, current: $t, new: $t, success: Ordering, failure: Ordering)
                -> Result<$t, $t> {
                unsafe { cas(self.raw(), current as $u, new as $u, success, failure, true) }
                    .map(|v| v as $t).map_err(|v| v as $t)
            }
            pub fn fetch_add(&self, val: $t, order: Ordering) -> $t {
                unsafe { <$u as Raw>::add(self.raw(), val as $u, mo(order)) as $t }
            }
            pub fn fetch_sub(&self, val: $t, order: Ordering) -> $t {
                unsafe { <$u as Raw>::sub(self.raw(), val as $u, mo(order)) as $t }
            }
            pub fn fetch_and(&self, val: $t, order: Ordering) -> $t {
                unsafe { <$u as Raw>::and(self.raw(), val as $u, mo(order)) as $t }
            }
            pub fn fetch_or(&self, val: $t, order: Ordering) -> $t {
                unsafe { <$u as Raw>::or(self.raw(), val as $u, mo(order)) as $t }
            }
            pub fn fetch_xor(&self, val: $t, order: Ordering) -> $t {
                unsafe { <$u as Raw>::xor(self.raw(), val as $u, mo(order)) as $t }
            }
            pub fn fetch_nand(&self, val: $t, order: Ordering) -> $t {
                unsafe { <$u as Raw>::nand(self.raw(), val as $u, mo(order)) as $t }
            }
            /// As std: a load, then compare_exchange_weak until it succeeds or `f` says no.
            pub fn fetch_update<F: FnMut($t) -> Option<$t>>(&self, set_order: Ordering, fetch_order: Ordering,
                                                            mut f: F) -> Result<$t, $t> {
                let mut prev = self.load(fetch_order);
                while let Some(next) = f(prev) {
                    match self.compare_exchange_weak(prev, next, set_order, fetch_order) {
                        Ok(x) => return Ok(x),
                        Err(x) => prev = x,
                    }
                }
                Err(prev)
            }
            /// A compare_exchange loop (the runtime has no max hook), as rustc emits on
            /// targets without an atomic max instruction.
            pub fn fetch_max(&self, val: $t, order: Ordering) -> $t {
                let fetch = if order == Ordering::Release || order == Ordering::Relaxed { Ordering::Relaxed }
                            else if order == Ordering::SeqCst { Ordering::SeqCst } else { Ordering::Acquire };
                match self.fetch_update(order, fetch, |x| Some(x.max(val))) { Ok(x) | Err(x) => x }
            }
            /// As [`fetch_max`](Self::fetch_max), with the minimum.
            pub fn fetch_min(&self, val: $t, order: Ordering) -> $t {
                let fetch = if order == Ordering::Release || order == Ordering::Relaxed { Ordering::Relaxed }
                            else if order == Ordering::SeqCst { Ordering::SeqCst } else { Ordering::Acquire };
                match self.fetch_update(order, fetch, |x| Some(x.min(val))) { Ok(x) | Err(x) => x }
            }
        }

        impl Default for $name {
            fn default() -> Self { Self::new(0) }
        }
        impl From<$t> for $name {
            fn from(v: $t) -> Self { Self::new(v) }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { fmt::Debug::fmt(&self.load(Ordering::Relaxed), f) }
        }
    };
}

atomic_int!(/// `std::sync::atomic::AtomicU8`, recorded.
            AtomicU8, u8, u8, 1);
atomic_int!(/// `std::sync::atomic::AtomicI8`, recorded.
            AtomicI8, i8, u8, 1);
atomic_int!(/// `std::sync::atomic::AtomicU16`, recorded.
            AtomicU16, u16, u16, 2);
atomic_int!(/// `std::sync::atomic::AtomicI16`, recorded.
            AtomicI16, i16, u16, 2);
atomic_int!(/// `std::sync::atomic::AtomicU32`, recorded.
            AtomicU32, u32, u32, 4);
atomic_int!(/// `std::sync::atomic::AtomicI32`, recorded.
            AtomicI32, i32, u32, 4);
atomic_int!(/// `std::sync::atomic::AtomicU64`, recorded.
            AtomicU64, u64, u64, 8);
atomic_int!(/// `std::sync::atomic::AtomicI64`, recorded.
            AtomicI64, i64, u64, 8);
atomic_int!(/// `std::sync::atomic::AtomicUsize`, recorded (64-bit targets).
            AtomicUsize, usize, u64, 8);
atomic_int!(/// `std::sync::atomic::AtomicIsize`, recorded (64-bit targets).
            AtomicIsize, isize, u64, 8);

/// `std::sync::atomic::AtomicBool`, recorded as a one-byte location holding 0 or 1.
#[repr(C, align(1))]
pub struct AtomicBool {
    v: UnsafeCell<u8>,
}

unsafe impl Sync for AtomicBool {}

impl AtomicBool {
    pub const fn new(v: bool) -> Self { AtomicBool { v: UnsafeCell::new(v as u8) } }
    fn raw(&self) -> *mut u8 { self.v.get() }
    pub fn get_mut(&mut self) -> &mut bool { unsafe { &mut *(self.v.get() as *mut bool) } }
    pub fn into_inner(self) -> bool { self.v.into_inner() != 0 }
    pub const fn as_ptr(&self) -> *mut bool { self.v.get() as *mut bool }
    pub fn load(&self, order: Ordering) -> bool { unsafe { u8::load(self.raw(), load_mo(order)) != 0 } }
    pub fn store(&self, val: bool, order: Ordering) { unsafe { u8::store(self.raw(), val as u8, store_mo(order)) } }
    pub fn swap(&self, val: bool, order: Ordering) -> bool { unsafe { u8::swap(self.raw(), val as u8, mo(order)) != 0 } }
    pub fn compare_exchange(&self, current: bool, new: bool, success: Ordering, failure: Ordering)
        -> Result<bool, bool> {
        unsafe { cas(self.raw(), current as u8, new as u8, success, failure, false) }.map(|v| v != 0).map_err(|v| v != 0)
    }
    pub fn compare_exchange_weak(&self, current: bool, new: bool, success: Ordering, failure: Ordering)
        -> Result<bool, bool> {
        unsafe { cas(self.raw(), current as u8, new as u8, success, failure, true) }.map(|v| v != 0).map_err(|v| v != 0)
    }
    pub fn fetch_and(&self, val: bool, order: Ordering) -> bool { unsafe { u8::and(self.raw(), val as u8, mo(order)) != 0 } }
    pub fn fetch_or(&self, val: bool, order: Ordering) -> bool { unsafe { u8::or(self.raw(), val as u8, mo(order)) != 0 } }
    pub fn fetch_xor(&self, val: bool, order: Ordering) -> bool { unsafe { u8::xor(self.raw(), val as u8, mo(order)) != 0 } }
    /// `!(current && val)`, as a compare_exchange loop: the runtime's byte nand would
    /// store 0xfe/0xff rather than a bool (and the trace has no fetch_nand).
    pub fn fetch_nand(&self, val: bool, order: Ordering) -> bool {
        match self.fetch_update(order, if order == Ordering::SeqCst { Ordering::SeqCst } else { Ordering::Relaxed },
                                |x| Some(!(x && val))) { Ok(x) | Err(x) => x }
    }
    pub fn fetch_not(&self, order: Ordering) -> bool { self.fetch_xor(true, order) }
    pub fn fetch_update<F: FnMut(bool) -> Option<bool>>(&self, set_order: Ordering, fetch_order: Ordering, mut f: F)
        -> Result<bool, bool> {
        let mut prev = self.load(fetch_order);
        while let Some(next) = f(prev) {
            match self.compare_exchange_weak(prev, next, set_order, fetch_order) {
                Ok(x) => return Ok(x),
                Err(x) => prev = x,
            }
        }
        Err(prev)
    }
}

impl Default for AtomicBool {
    fn default() -> Self { Self::new(false) }
}
impl From<bool> for AtomicBool {
    fn from(v: bool) -> Self { Self::new(v) }
}
impl fmt::Debug for AtomicBool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { fmt::Debug::fmt(&self.load(Ordering::Relaxed), f) }
}

/// `std::sync::atomic::AtomicPtr`, recorded as an 8-byte location (64-bit targets).
#[repr(C, align(8))]
pub struct AtomicPtr<T> {
    p: UnsafeCell<*mut T>,
}

unsafe impl<T> Send for AtomicPtr<T> {}
unsafe impl<T> Sync for AtomicPtr<T> {}

impl<T> AtomicPtr<T> {
    pub const fn new(p: *mut T) -> Self { AtomicPtr { p: UnsafeCell::new(p) } }
    fn raw(&self) -> *mut u64 { self.p.get() as *mut u64 }
    pub fn get_mut(&mut self) -> &mut *mut T { self.p.get_mut() }
    pub fn into_inner(self) -> *mut T { self.p.into_inner() }
    pub const fn as_ptr(&self) -> *mut *mut T { self.p.get() }
    pub fn load(&self, order: Ordering) -> *mut T { unsafe { u64::load(self.raw(), load_mo(order)) as usize as *mut T } }
    pub fn store(&self, ptr: *mut T, order: Ordering) {
        unsafe { u64::store(self.raw(), ptr as usize as u64, store_mo(order)) }
    }
    pub fn swap(&self, ptr: *mut T, order: Ordering) -> *mut T {
        unsafe { u64::swap(self.raw(), ptr as usize as u64, mo(order)) as usize as *mut T }
    }
    pub fn compare_exchange(&self, current: *mut T, new: *mut T, success: Ordering, failure: Ordering)
        -> Result<*mut T, *mut T> {
        unsafe { cas(self.raw(), current as usize as u64, new as usize as u64, success, failure, false) }
            .map(|v| v as usize as *mut T).map_err(|v| v as usize as *mut T)
    }
    pub fn compare_exchange_weak(&self, current: *mut T, new: *mut T, success: Ordering, failure: Ordering)
        -> Result<*mut T, *mut T> {
        unsafe { cas(self.raw(), current as usize as u64, new as usize as u64, success, failure, true) }
            .map(|v| v as usize as *mut T).map_err(|v| v as usize as *mut T)
    }
}

impl<T> Default for AtomicPtr<T> {
    fn default() -> Self { Self::new(core::ptr::null_mut()) }
}
impl<T> fmt::Debug for AtomicPtr<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { fmt::Debug::fmt(&self.load(Ordering::Relaxed), f) }
}

// traces/programs/mpmc_queue.c in Rust: a bounded MPMC queue with Dmitry Vyukov's
// per-cell sequence numbers, positions claimed with fetch_add (why: the C file's
// comment). Recording it takes one change, the `use` lines: std's atomics become
// cohsim_record's, and the plain shared data a RecordCell (docs/recording.md).
//
// PRODUCERS threads each enqueue ITEMS values, CONSUMERS threads dequeue them and add
// them up. Prints `total` (n(n+1)/2, n = PRODUCERS*ITEMS) and each consumer's sum of
// this run; a replay reproduces them (core0.regs.TOTAL, core0.regs.CONSUMED, ...).
// Built and recorded with:
//   cargo build --offline --release --manifest-path traces/programs/rust/mpmc_queue/Cargo.toml
//   cohsim record -o mpmc_rust.trace -- traces/programs/rust/mpmc_queue/target/release/mpmc_queue
use cohsim_record::atomic::{AtomicUsize, Ordering};
use cohsim_record::RecordCell;
use std::thread;

const PRODUCERS: usize = 2;
const CONSUMERS: usize = 2;
const ITEMS: u64 = 32;
const CAP: usize = 8; // a power of two

struct Cell {
    seq: AtomicUsize,
    data: RecordCell<u64>,
}

#[repr(C, align(64))]
pub struct Cells([Cell; CAP]);
#[repr(C, align(64))]
pub struct Padded(AtomicUsize);
#[repr(C, align(64))]
pub struct Sums([RecordCell<u64>; CONSUMERS]);

#[no_mangle]
pub static CELLS: Cells = Cells([const { Cell { seq: AtomicUsize::new(0), data: RecordCell::new(0) } }; CAP]);
#[no_mangle]
pub static ENQUEUE_POS: Padded = Padded(AtomicUsize::new(0));
#[no_mangle]
pub static DEQUEUE_POS: Padded = Padded(AtomicUsize::new(0));
#[no_mangle]
pub static CONSUMED: Sums = Sums([const { RecordCell::new(0) }; CONSUMERS]);
#[no_mangle]
pub static TOTAL: RecordCell<u64> = RecordCell::new(0);

fn enqueue(v: u64) {
    let pos = ENQUEUE_POS.0.fetch_add(1, Ordering::Relaxed);
    let c = &CELLS.0[pos & (CAP - 1)];
    while c.seq.load(Ordering::Acquire) != pos {
        thread::yield_now(); // no memory access: still one recorded wait
    }
    unsafe { c.data.set(v) } // the cell is ours until the Release below
    c.seq.store(pos + 1, Ordering::Release);
}

fn dequeue() -> u64 {
    let pos = DEQUEUE_POS.0.fetch_add(1, Ordering::Relaxed);
    let c = &CELLS.0[pos & (CAP - 1)];
    while c.seq.load(Ordering::Acquire) != pos + 1 {
        thread::yield_now();
    }
    let v = unsafe { c.data.get() };
    c.seq.store(pos + CAP, Ordering::Release);
    v
}

fn main() {
    for (i, c) in CELLS.0.iter().enumerate() {
        c.seq.store(i, Ordering::Relaxed);
    }
    let mut threads = Vec::new();
    for p in 0..PRODUCERS as u64 {
        threads.push(thread::spawn(move || {
            for i in 1..=ITEMS {
                enqueue(p * ITEMS + i);
            }
        }));
    }
    for c in 0..CONSUMERS {
        threads.push(thread::spawn(move || {
            let mut sum = 0;
            for _ in 0..PRODUCERS * ITEMS as usize / CONSUMERS {
                sum += dequeue();
            }
            unsafe { CONSUMED.0[c].set(sum) } // read by main after the join
        }));
    }
    for t in threads {
        t.join().unwrap();
    }
    let mut total = 0;
    for c in 0..CONSUMERS {
        let s = unsafe { CONSUMED.0[c].get() };
        println!("consumed[{c}] {s}");
        total += s;
    }
    unsafe { TOTAL.set(total) };
    println!("total {}", unsafe { TOTAL.get() });
}

// The C program traces/programs/counter_mp.c in Rust, with std's lock types: THREADS
// threads each add 1 to COUNTER ITERS times under a Mutex; thread 1 then publishes
// DATA under the mutex READY guards and wakes main, which waits on a Condvar. Its `use`
// lines name cohsim_record::sync instead of std::sync (docs/recording.md, "Rust
// programs"), so the locks, unlocks and condition waits are recorded. Prints
// `counter` (THREADS x ITERS) and `seen` (42), which a replay must reproduce
// (core0.regs.COUNTER, core0.regs.DATA).
//
//   cargo build --offline --release --manifest-path traces/programs/rust/mutex_counter/Cargo.toml
//   cohsim record -o mutex_counter.trace -- traces/programs/rust/mutex_counter/target/release/mutex_counter
use cohsim_record::sync::{Condvar, Mutex};

const THREADS: u64 = 3;
const ITERS: u64 = 20;

#[no_mangle]
static COUNTER: Mutex<u64> = Mutex::new(0);
#[no_mangle]
static READY: Mutex<bool> = Mutex::new(false);
#[no_mangle]
static DATA: Mutex<u64> = Mutex::new(0);
static WAKE: Condvar = Condvar::new();

fn main() {
    let workers: Vec<_> = (1..=THREADS)
        .map(|id| {
            std::thread::spawn(move || {
                for _ in 0..ITERS {
                    *COUNTER.lock().unwrap() += 1;
                }
                if id == 1 {
                    *DATA.lock().unwrap() = 42;
                    *READY.lock().unwrap() = true;
                    WAKE.notify_all();
                }
            })
        })
        .collect();
    let ready = WAKE.wait_while(READY.lock().unwrap(), |r| !*r).unwrap();
    drop(ready);
    let seen = *DATA.lock().unwrap();
    for w in workers {
        w.join().unwrap();
    }
    let counter = *COUNTER.lock().unwrap();
    println!("counter {counter}\nseen {seen}");
}

// cohsim's recording runtime: libcohsim_record.so.
//
// A program compiled with `clang -fsanitize=thread -c` calls a __tsan_* hook before
// every memory access that may be shared and for every atomic (with its C11 memory
// order). Linked against this library instead of clang's TSan runtime, the program
// records itself: one event list per thread, written at exit as ONE cohsim text trace
// (traces/README.md), to the file named by $COHSIM_RECORD_OUT. docs/recording.md is
// the method, the replay rules and their limits; in short:
//
// * plain loads and stores keep their sizes; a store's value is read at the thread's
//   next hook (the hook runs before the store; in a race-free program nobody else
//   writes the location in between);
// * atomics are performed here, under one lock, so each load knows which thread wrote
//   the value it read; C11 orders become Rust orderings (consume -> Acquire);
// * synchronisation is replayed, not copied: a spin (consecutive loads of one
//   location) and an Acquire/SeqCst load that read another thread's store become
//   `wait ADDR == VALUE ORDER`; a mutex becomes a ticket turn kept in the mutex's own
//   word (lock: `wait m == k Acquire`, unlock: `store m k+1 Release`), pthread_create
//   and pthread_join become Release stores and Acquire waits on per-thread words;
// * reads-from is kept for atomics: each location's versions are numbered, and a read
//   of a version another thread overwrites passes a turn the overwriting write waits
//   for (reads_from, at exit);
// * addresses are mapped to a compact layout by 64 KiB regions in order of first use
//   (offsets inside a region, so lines, false sharing and strides, are kept).
//
// The hot path appends a 40-byte event to the thread's own chunked list, with no lock
// and no system call; only atomics take the runtime's lock. The text is formatted once,
// at exit.
//
// Nothing here is instrumented (it is built without -fsanitize=thread) and it includes
// nothing of the simulator: it is linked into the user's program.
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>  // std::lock_guard
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace {

// ---- Events -------------------------------------------------------------------

enum class Ev : std::uint8_t {
  Load,        // plain load
  Store,       // plain store (value filled in at the next hook)
  ALoad,       // atomic load: value, order, from_other
  AStore,      // atomic store: value, order, guard (previous writer another thread)
  Rmw,         // fetch_op / swap: operand in v1, old value in v2
  CasOk,       // compare_exchange that succeeded: expected v2, desired v1
  CasFail,     // compare_exchange that failed: observed v2
  Fence,       // order
  SyncWait,    // a runtime wait: [addr] == v1 Acquire (mutex turn, thread start / done)
  SyncStore,   // a runtime store: [addr] = v1 Release
  SyncAddr,    // synthetic address marker (none)
};

enum : std::uint8_t { kRelaxed, kAcquire, kRelease, kAcqRel, kSeqCst, kNone };
const char* const kOrderName[] = {"Relaxed", "Acquire", "Release", "AcqRel", "SeqCst"};

enum RmwOp : std::uint8_t { Add, Sub, And, Or, Xor, Nand, Swap };
const char* const kRmwName[] = {"fetch_add", "fetch_sub", "fetch_and", "fetch_or", "fetch_xor", "fetch_nand",
                                "swap"};

struct Event {
  Ev kind;
  std::uint8_t size;
  std::uint8_t order;       // Rust ordering (kRelaxed..kSeqCst)
  std::uint8_t fail_order;  // CAS failure ordering
  std::uint8_t op;          // RmwOp
  bool flag;                // ALoad: read another thread's store; AStore/Rmw/Cas: guard
  std::uint32_t compute;    // estimated cycles of work before this event
  std::uint32_t ver;        // atomics: the location's version read (loads, failed CAS) or written
  std::uint64_t addr, v1, v2;
};

// Cycles of work the recorder charges for a function call it sees (__tsan_func_entry):
// call, prologue, epilogue and return. An estimate: the hooks see memory accesses and
// calls only, not the arithmetic between them (docs/recording.md).
constexpr std::uint32_t kCallCycles = 4;

struct Pending {
  std::uint64_t addr;
  std::uint8_t size;
  std::size_t index;  // into the thread's events
};

// A thread's events in fixed chunks: appending never moves (copies) the events already
// recorded, and the hot path is a bounds check and a store.
class EventList {
 public:
  static constexpr std::size_t kChunk = 1 << 14;  // events per chunk (640 KiB)
  ~EventList() {
    for (Event* c : chunks_) delete[] c;
  }
  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  Event& operator[](std::size_t i) { return chunks_[i / kChunk][i % kChunk]; }
  const Event& operator[](std::size_t i) const { return chunks_[i / kChunk][i % kChunk]; }
  Event& back() { return (*this)[n_ - 1]; }
  void pop_back() { --n_; }
  Event& push_back(const Event& e) {
    if (n_ == chunks_.size() * kChunk) chunks_.push_back(new Event[kChunk]);
    Event& slot = (*this)[n_++];
    slot = e;
    return slot;
  }

 private:
  std::vector<Event*> chunks_;
  std::size_t n_ = 0;
};

struct ThreadRec {
  int tid = 0;
  EventList events;
  std::uint64_t hooks = 0;  // memory hooks seen (the trace's header)
  Pending pending[8];
  int npending = 0;
  std::uint32_t compute = 0;
  bool finished = false;
  int depth = 0;  // > 0 while the runtime itself runs (no recording)
};

// ---- Global state -------------------------------------------------------------

// The runtime's own lock: a spinlock, not a pthread mutex (the runtime interposes
// pthread_mutex_lock, and a std::mutex would record itself).
class SpinLock {
 public:
  void lock() {
    while (f_.exchange(true, std::memory_order_acquire))
      while (f_.load(std::memory_order_relaxed)) sched_yield();
  }
  void unlock() { f_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> f_{false};
};

std::atomic<bool> g_active{false};  // __tsan_init seen and $COHSIM_RECORD_OUT set
SpinLock g_lock;                  // atomics, the shadow, thread creation, unsupported list
// An atomic location's last writing thread and its version: the number of writes to it
// so far (the value before the first recorded write is version 0).
struct LastWrite {
  int tid;
  std::uint32_t ver;
};
std::unordered_map<std::uint64_t, LastWrite>* g_writer;
std::vector<ThreadRec*>* g_threads;
std::map<std::string, std::uint64_t>* g_unsupported;
std::unordered_map<std::uint64_t, std::uint64_t>* g_mutex_turn;  // mutex -> acquisitions so far (mutex_turn)
std::string* g_out;
pthread_key_t g_key;

// Synthetic words for thread start / done, in their own region (one line per thread).
constexpr std::uint64_t kThreadWords = 0x7f0000000000ull;
std::uint64_t start_word(int tid) { return kThreadWords + std::uint64_t(tid) * 64; }
std::uint64_t done_word(int tid) { return kThreadWords + std::uint64_t(tid) * 64 + 8; }
// Reads-from turns (write_trace): location N's count and version words, a line each.
constexpr std::uint64_t kRfWords = 0x7e0000000000ull;
std::uint64_t rf_count_word(int n) { return kRfWords + std::uint64_t(n) * 64; }
std::uint64_t rf_version_word(int n) { return kRfWords + std::uint64_t(n) * 64 + 8; }

// initial-exec: the library is linked at start-up, never dlopen'ed, so its TLS is
// reached without a __tls_get_addr call on every hook.
__attribute__((tls_model("initial-exec"))) thread_local ThreadRec* t_rec = nullptr;
__attribute__((tls_model("initial-exec"))) thread_local int t_busy = 0;  // > 0 while a hook runs: the runtime's own memcpy calls are not the program's

struct Busy {
  Busy() { ++t_busy; }
  ~Busy() { --t_busy; }
};

void unsupported(const std::string& what) {
  std::lock_guard<SpinLock> g(g_lock);
  if (g_unsupported) ++(*g_unsupported)[what];
}

// Reads SIZE bytes at ADDR (a location the program wrote and still owns).
std::uint64_t read_value(std::uint64_t addr, std::uint8_t size) {
  switch (size) {
    case 1: return *reinterpret_cast<volatile std::uint8_t*>(addr);
    case 2: return *reinterpret_cast<volatile std::uint16_t*>(addr);
    case 4: return *reinterpret_cast<volatile std::uint32_t*>(addr);
    default: return *reinterpret_cast<volatile std::uint64_t*>(addr);
  }
}

void flush_pending(ThreadRec* r) {
  for (int i = 0; i < r->npending; ++i) {
    const Pending& p = r->pending[i];
    r->events[p.index].v1 = read_value(p.addr, p.size);
  }
  r->npending = 0;
}

ThreadRec* new_thread(int tid) {
  auto* r = new ThreadRec;
  r->tid = tid;
  return r;
}

// The calling thread's record, or null when not recording (runtime not active, or the
// runtime itself is running).
ThreadRec* rec() {
  if (!g_active.load(std::memory_order_relaxed)) return nullptr;
  ThreadRec* r = t_rec;
  if (!r || r->depth || r->finished || t_busy) return nullptr;
  return r;
}

Event& push(ThreadRec* r, Ev kind, std::uint64_t addr, std::uint8_t size) {
  if (r->npending) flush_pending(r);
  Event& e = r->events.push_back(Event{kind, size, kNone, kNone, 0, false, r->compute, 0, addr, 0, 0});
  r->compute = 0;
  return e;
}

// Splits [addr, addr+n) into naturally aligned pieces of 1, 2, 4 or 8 bytes.
template <typename F>
void split(std::uint64_t addr, std::uint64_t n, F f) {
  while (n) {
    std::uint8_t s = 8;
    while (s > 1 && ((addr & (s - 1)) || s > n)) s >>= 1;
    f(addr, s);
    addr += s, n -= s;
  }
}

void plain(std::uint64_t addr, std::uint64_t n, bool write) {
  ThreadRec* r = rec();
  if (!r) return;
  Busy busy;
  ++r->hooks;
  if (n && n <= 8 && (addr & (n - 1)) == 0 && (n & (n - 1)) == 0) {  // the usual case: one aligned piece
    const std::uint8_t s = std::uint8_t(n);
    push(r, write ? Ev::Store : Ev::Load, addr, s);
    if (write) {
      if (r->npending == 8) flush_pending(r);
      r->pending[r->npending++] = Pending{addr, s, r->events.size() - 1};
    }
    return;
  }
  split(addr, n, [&](std::uint64_t a, std::uint8_t s) {
    if (!write) {
      push(r, Ev::Load, a, s);
      return;
    }
    // flush first (push does), then remember this store until the next hook
    push(r, Ev::Store, a, s);
    if (r->npending == 8) flush_pending(r);
    r->pending[r->npending++] = Pending{a, s, r->events.size() - 1};
  });
}

// C11 memory order (the __tsan_memory_order values 0..5) as a Rust ordering.
std::uint8_t load_order(int mo) {
  switch (mo) {
    case 0: return kRelaxed;
    case 1: case 2: return kAcquire;  // consume is implemented as acquire
    case 5: return kSeqCst;
    case 3: return kRelaxed;  // release/acq_rel loads are undefined in C11; as clang lowers them
    default: return kAcquire;
  }
}
std::uint8_t store_order(int mo) {
  switch (mo) {
    case 3: case 4: return kRelease;
    case 5: return kSeqCst;
    default: return kRelaxed;  // relaxed (consume/acquire stores are undefined: relaxed)
  }
}
std::uint8_t rmw_order(int mo) {
  static const std::uint8_t m[] = {kRelaxed, kAcquire, kAcquire, kRelease, kAcqRel, kSeqCst};
  return mo >= 0 && mo <= 5 ? m[mo] : std::uint8_t(kSeqCst);
}
// Rust's rule: the failure ordering is Relaxed, Acquire or SeqCst and no stronger than
// the success ordering; C++17 allows a stronger failure order, so success is raised.
void cas_orders(int smo, int fmo, std::uint8_t& s, std::uint8_t& f) {
  s = rmw_order(smo);
  f = load_order(fmo);
  if (f == kSeqCst) s = kSeqCst;
  else if (f == kAcquire) {
    if (s == kRelaxed) s = kAcquire;
    else if (s == kRelease) s = kAcqRel;
  }
}

bool bad_order(int mo, const char* hook) {
  if (mo >= 0 && mo <= 5) return false;
  unsupported(std::string(hook) + " with memory order " + std::to_string(mo));
  return true;
}

// ---- Atomics: performed under g_lock, with the shadow of who wrote last ---------------

template <typename T>
T atomic_load(const volatile T* a, int mo) {
  ThreadRec* r = rec();
  Busy busy;
  std::lock_guard<SpinLock> g(g_lock);
  const T v = __atomic_load_n(a, __ATOMIC_SEQ_CST);
  if (!r) return v;
  ++r->hooks;
  const std::uint64_t addr = reinterpret_cast<std::uint64_t>(a);
  auto it = g_writer->find(addr);
  const bool other = it != g_writer->end() && it->second.tid != r->tid;
  const std::uint32_t ver = it != g_writer->end() ? it->second.ver : 0;
  // A spin: the previous event is an atomic load of the same location with no work
  // between but the loop's own calls: only the last read is kept (docs/recording.md).
  if (!r->events.empty()) {
    Event& prev = r->events.back();
    if (prev.kind == Ev::ALoad && prev.addr == addr && prev.size == sizeof(T) && r->npending == 0) {
      prev.v1 = std::uint64_t(v);
      prev.flag = prev.flag || other;
      prev.v2 = 1;  // a spin: replayed as a wait
      prev.order = std::max(prev.order, load_order(mo));
      prev.ver = ver;
      r->compute = 0;
      return v;
    }
  }
  Event& e = push(r, Ev::ALoad, addr, sizeof(T));
  e.order = load_order(mo);
  e.v1 = std::uint64_t(v);
  e.flag = other;
  e.ver = ver;
  return v;
}

// Records a write to an atomic location; `guard`: its previous writer is another thread.
bool note_write(ThreadRec* r, std::uint64_t addr, Event& e) {
  auto [it, fresh] = g_writer->emplace(addr, LastWrite{r->tid, 0});
  const bool guard = !fresh && it->second.tid != r->tid;
  it->second.tid = r->tid;
  e.ver = ++it->second.ver;
  return guard;
}

template <typename T>
void atomic_store(volatile T* a, T v, int mo) {
  ThreadRec* r = rec();
  Busy busy;
  std::lock_guard<SpinLock> g(g_lock);
  const T old = __atomic_load_n(a, __ATOMIC_SEQ_CST);
  __atomic_store_n(a, v, __ATOMIC_SEQ_CST);
  if (!r) return;
  ++r->hooks;
  const std::uint64_t addr = reinterpret_cast<std::uint64_t>(a);
  Event& e = push(r, Ev::AStore, addr, sizeof(T));
  e.flag = note_write(r, addr, e);
  e.order = store_order(mo);
  e.v1 = std::uint64_t(v);
  e.v2 = std::uint64_t(old);
}

template <typename T>
T atomic_rmw(volatile T* a, T v, int mo, RmwOp op) {
  ThreadRec* r = rec();
  Busy busy;
  std::lock_guard<SpinLock> g(g_lock);
  T old;
  switch (op) {
    case Add: old = __atomic_fetch_add(a, v, __ATOMIC_SEQ_CST); break;
    case Sub: old = __atomic_fetch_sub(a, v, __ATOMIC_SEQ_CST); break;
    case And: old = __atomic_fetch_and(a, v, __ATOMIC_SEQ_CST); break;
    case Or: old = __atomic_fetch_or(a, v, __ATOMIC_SEQ_CST); break;
    case Xor: old = __atomic_fetch_xor(a, v, __ATOMIC_SEQ_CST); break;
    case Nand: old = __atomic_fetch_nand(a, v, __ATOMIC_SEQ_CST); break;
    default: old = __atomic_exchange_n(a, v, __ATOMIC_SEQ_CST); break;
  }
  if (!r) return old;
  ++r->hooks;
  const std::uint64_t addr = reinterpret_cast<std::uint64_t>(a);
  if (op == Nand) {  // no fetch_nand in the trace format: the swap with the same result
    ++(*g_unsupported)["__tsan_atomic" + std::to_string(8 * sizeof(T)) + "_fetch_nand (replayed as swap)"];
    v = T(~(old & v)), op = Swap;
  }
  Event& e = push(r, Ev::Rmw, addr, sizeof(T));
  e.flag = note_write(r, addr, e);
  e.op = op;
  e.order = rmw_order(mo);
  e.v1 = std::uint64_t(v);
  e.v2 = std::uint64_t(old);
  return old;
}

// Returns the value read; *ok whether it was EXPECTED (and DESIRED written).
template <typename T>
T atomic_cas(volatile T* a, T expected, T desired, int smo, int fmo, bool* ok) {
  ThreadRec* r = rec();
  Busy busy;
  std::lock_guard<SpinLock> g(g_lock);
  T cur = expected;
  *ok = __atomic_compare_exchange_n(a, &cur, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  if (!r) return cur;
  ++r->hooks;
  const std::uint64_t addr = reinterpret_cast<std::uint64_t>(a);
  Event& e = push(r, *ok ? Ev::CasOk : Ev::CasFail, addr, sizeof(T));
  cas_orders(smo, fmo, e.order, e.fail_order);
  if (*ok) e.flag = note_write(r, addr, e);
  else {
    auto it = g_writer->find(addr);
    e.ver = it != g_writer->end() ? it->second.ver : 0;
  }
  e.v1 = std::uint64_t(desired);
  e.v2 = std::uint64_t(cur);  // the value read (== expected on success)
  return cur;
}

void fence(int mo) {
  ThreadRec* r = rec();
  Busy busy;
  if (!r || mo == 0) return;  // a relaxed fence is no fence
  ++r->hooks;
  Event& e = push(r, Ev::Fence, 0, 0);
  e.order = mo <= 2 ? std::uint8_t(kAcquire) : rmw_order(mo);
}

void sync_event(ThreadRec* r, Ev kind, std::uint64_t addr, std::uint64_t value) {
  Busy busy;
  Event& e = push(r, kind, addr, 8);
  e.order = kind == Ev::SyncWait ? kAcquire : kRelease;
  e.v1 = value;
}

// libc's memcpy, memmove and memset (resolved in __tsan_init; before that, and while
// dlsym itself runs, a byte loop does the work).
using CopyFn = void* (*)(void*, const void*, size_t);
using SetFn = void* (*)(void*, int, size_t);
CopyFn g_memcpy, g_memmove;
SetFn g_memset;

void* byte_move(void* d, const void* s, size_t n) {
  auto* dv = static_cast<volatile unsigned char*>(d);
  auto* sv = static_cast<const volatile unsigned char*>(s);
  if (dv < sv)
    for (size_t i = 0; i < n; ++i) dv[i] = sv[i];
  else
    for (size_t i = n; i-- > 0;) dv[i] = sv[i];
  return d;
}

// ---- Writing the trace ----------------------------------------------------------
//
// At exit, once: the events are formatted straight into a buffer (no string per
// operation), each address is mapped through the last region and symbol looked up,
// and dladdr is asked only about addresses it can name (below).

struct Layout {
  std::unordered_map<std::uint64_t, std::uint64_t> region;  // addr >> 16 -> compact region
  std::uint64_t next = 0;
  std::uint64_t last_key = ~0ull, last_base = 0;  // the region looked up last
  std::uint64_t map(std::uint64_t a) {
    const std::uint64_t key = a >> 16;
    if (key != last_key) {
      auto it = region.find(key);  // (emplace would allocate a node every time)
      if (it == region.end()) it = region.emplace(key, next++).first;
      last_key = key;
      last_base = 0x1000000 + (it->second << 16);
    }
    return last_base + (a & 0xffff);
  }
};

bool identifier(const char* s) {
  if (!s || !*s || !(isalpha(static_cast<unsigned char>(*s)) || *s == '_')) return false;
  for (; *s; ++s)
    if (!(isalnum(static_cast<unsigned char>(*s)) || *s == '_' || *s == '.')) return false;
  return true;
}

// The trace text, written in 1 MiB pieces (a large trace is not held twice).
class Out {
 public:
  explicit Out(FILE* f) : f_(f), buf_(static_cast<char*>(malloc(kCap))) {}
  ~Out() {
    flush();
    free(buf_);
  }
  void flush() {
    fwrite(buf_, 1, n_, f_);
    n_ = 0;
  }
  void put(const char* s, std::size_t k) {
    if (n_ + k > kCap) flush();
    if (k > kCap) {
      fwrite(s, 1, k, f_);
      return;
    }
    char* d = buf_ + n_;
    if (k <= 32)  // the usual piece: a word or a number (not a call to the interposed memcpy)
      for (std::size_t i = 0; i < k; ++i) d[i] = s[i];
    else
      (g_memcpy ? g_memcpy : byte_move)(d, s, k);
    n_ += k;
  }
  Out& operator<<(const char* s) {
    put(s, strlen(s));
    return *this;
  }
  Out& operator<<(const std::string& s) {
    put(s.data(), s.size());
    return *this;
  }
  Out& operator<<(char c) {
    if (n_ + 1 > kCap) flush();
    buf_[n_++] = c;
    return *this;
  }
  Out& dec(std::uint64_t v) {
    char t[20];
    int i = 20;
    do t[--i] = char('0' + v % 10), v /= 10;
    while (v);
    put(t + i, std::size_t(20 - i));
    return *this;
  }
  Out& hex(std::uint64_t v) {  // as printf's %#llx for v != 0, "0x0" for 0
    char t[18];
    int i = 18;
    do t[--i] = "0123456789abcdef"[v & 15], v >>= 4;
    while (v);
    t[--i] = 'x', t[--i] = '0';
    put(t + i, std::size_t(18 - i));
    return *this;
  }
  Out& size(std::uint8_t s) {  // ".N", nothing for 8 bytes
    if (s != 8) *this << '.', dec(s);
    return *this;
  }

 private:
  static constexpr std::size_t kCap = 1u << 20;
  FILE* f_;
  char* buf_;
  std::size_t n_ = 0;
};

struct Names {
  // compact address of a symbol -> (name, size)
  std::map<std::uint64_t, std::pair<std::string, std::uint64_t>> syms;
  std::set<std::string> used;

  // dladdr searches an object's symbol table: it is asked once per symbol, not once per
  // operation. Addresses outside every loaded object's segments (heap, stacks) name
  // nothing; an address inside a symbol dladdr has already given an answer for that
  // cannot change (learned, or refused for its name or type) is skipped; an address
  // dladdr found no object symbol for is remembered.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> segments;  // [start, end) of PT_LOAD
  std::map<std::uint64_t, std::uint64_t> settled;                 // real base -> end
  std::unordered_set<std::uint64_t> nothing;

  Names() {
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* self) {
          auto* n = static_cast<Names*>(self);
          for (int i = 0; i < info->dlpi_phnum; ++i)
            if (info->dlpi_phdr[i].p_type == PT_LOAD) {
              const std::uint64_t s = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
              n->segments.push_back({s, s + info->dlpi_phdr[i].p_memsz});
            }
          return 0;
        },
        this);
    std::sort(segments.begin(), segments.end());
  }
  bool in_object(std::uint64_t a) const {
    auto it = std::upper_bound(segments.begin(), segments.end(), std::make_pair(a, ~std::uint64_t(0)));
    // segments may nest or overlap only within one object: look back over a few
    for (int k = 0; k < 4 && it != segments.begin(); ++k) {
      --it;
      if (a >= it->first && a < it->second) return true;
    }
    return false;
  }
  bool is_settled(std::uint64_t a) const {
    auto it = settled.upper_bound(a);
    return it != settled.begin() && a < std::prev(it)->second;
  }

  // The name of the object that holds real address A (dladdr: global objects of the
  // executable linked with -rdynamic and of shared libraries), recorded at its
  // compact address C.
  void learn(std::uint64_t a, std::uint64_t c) {
    if (!in_object(a) || is_settled(a) || nothing.count(a)) return;
    Dl_info info;
    void* extra = nullptr;
    const bool found = dladdr1(reinterpret_cast<void*>(a), &info, &extra, RTLD_DL_SYMENT);
    const auto* sym = static_cast<const ElfW(Sym)*>(extra);
    if (!found || !sym || !info.dli_sname || !info.dli_saddr) {
      nothing.insert(a);
      return;
    }
    const std::uint64_t base = reinterpret_cast<std::uint64_t>(info.dli_saddr);
    if (ELF64_ST_TYPE(sym->st_info) != STT_OBJECT || a < base || a >= base + sym->st_size) {
      nothing.insert(a);
      return;
    }
    if (!identifier(info.dli_sname) || strchr(info.dli_sname, '.')) {
      settled[base] = base + sym->st_size;
      return;
    }
    const std::uint64_t cbase = c - (a - base);
    if (syms.count(cbase)) return;  // another name there already: may differ in another region
    std::string n = info.dli_sname;
    settled[base] = base + sym->st_size;  // learned now, or its name is taken: final
    if (used.count(n)) return;
    used.insert(n);
    syms[cbase] = {n, sym->st_size};
  }

  // Lookup of compact addresses, after learning: the symbol holding C, if any.
  struct Sym {
    std::uint64_t base, size;
    const std::string* name;
  };
  std::vector<Sym> table;
  const Sym* last = nullptr;
  void freeze() {
    table.clear();
    for (auto& [c, s] : syms) table.push_back(Sym{c, s.second, &s.first});
    last = nullptr;
  }
  const Sym* find(std::uint64_t c) {
    if (last && c >= last->base && c < last->base + last->size) return last;
    auto it = std::upper_bound(table.begin(), table.end(), c, [](std::uint64_t x, const Sym& s) { return x < s.base; });
    if (it == table.begin()) return nullptr;
    --it;
    if (c >= it->base + it->size) return nullptr;
    return last = &*it;
  }
};

// Reads-from turns (docs/recording.md, "Reads-from is kept"). A wait or load of an
// atomic location read one version of it (one recorded write's value); when a later
// write of another thread overwrote that version, the replay could overwrite it before
// the reader reads it (a seqlock's counter, a value that recurs) and the reader would
// read another version, or wait for ever. Such a reader passes a turn: after its read
// it adds 1 to the location's count word, and the overwriting write first waits until
// the count word holds the number of such readers of all versions up to the one it
// overwrites. A reader that could otherwise read too early (a load, which does not
// wait, or a wait for a value an earlier version also held) first waits for the
// location's version word to name its version, which the write of that version stores
// after it. Built at exit from the versions the runtime numbered under g_lock.
struct RfLoc {
  int idx = -1;                        // its count/version words (-1: no reader needs them)
  std::vector<int> writer;             // [v]: the thread that wrote version v (v >= 1)
  std::vector<std::uint64_t> value;    // [v]: the value version v holds
  std::unordered_map<std::uint64_t, std::uint32_t> first;  // value -> first version holding it
  std::vector<std::uint32_t> readers;  // [v]: readers of version v that pass a turn
  std::vector<std::uint64_t> passed;   // [v]: such readers of versions <= v
  std::vector<bool> announce;          // [v]: the write of version v stores it in the version word
};

bool rf_write(Ev k) { return k == Ev::AStore || k == Ev::Rmw || k == Ev::CasOk; }
bool rf_read(Ev k) { return k == Ev::ALoad || k == Ev::CasFail; }
// An atomic load replayed as a wait (write_trace): a spin, or an Acquire/SeqCst load
// that read another thread's store.
bool as_wait(const Event& e) { return e.kind == Ev::ALoad && (e.v2 == 1 || (e.flag && e.order != kRelaxed)); }
std::uint64_t value_read(const Event& e) { return e.kind == Ev::CasFail ? e.v2 : e.v1; }
std::uint64_t value_written(const Event& e) {
  std::uint64_t v = e.v1;  // a store's value, a CAS's desired value, a swap's operand
  if (e.kind == Ev::Rmw) switch (e.op) {
      case Add: v = e.v2 + e.v1; break;
      case Sub: v = e.v2 - e.v1; break;
      case And: v = e.v2 & e.v1; break;
      case Or: v = e.v2 | e.v1; break;
      case Xor: v = e.v2 ^ e.v1; break;
      default: break;
    }
  return e.size >= 8 ? v : v & ((std::uint64_t(1) << (8 * e.size)) - 1);
}
// Whether a read of version J by thread TID passes a turn: a later write of another
// thread overwrote it.
bool rf_turn(const RfLoc& l, int tid, std::uint32_t j) {
  return j + 1 < l.writer.size() && l.writer[j + 1] >= 0 && l.writer[j + 1] != tid;
}
// Whether such a reader first waits for its version: it does not wait for its value,
// or an earlier version held the same value.
bool rf_needs_version(const RfLoc& l, const Event& e) {
  if (!as_wait(e)) return true;
  auto f = l.first.find(value_read(e));
  return f != l.first.end() && f->second < e.ver;
}

std::unordered_map<std::uint64_t, RfLoc> reads_from(const std::vector<ThreadRec*>& threads) {
  std::unordered_map<std::uint64_t, RfLoc> rf;
  for (ThreadRec* r : threads)
    for (std::size_t i = 0, n = r->events.size(); i < n; ++i) {
      const Event& e = r->events[i];
      if (!rf_write(e.kind)) continue;
      RfLoc& l = rf[e.addr];
      if (l.writer.size() <= e.ver) l.writer.resize(e.ver + 1, -1), l.value.resize(e.ver + 1, 0);
      l.writer[e.ver] = r->tid;
      l.value[e.ver] = value_written(e);
      if (e.ver == 1) l.value[0] = e.v2;  // the value it replaced
    }
  for (auto& [addr, l] : rf) {
    for (std::uint32_t v = 0; v < l.writer.size(); ++v)
      if (v == 0 || l.writer[v] >= 0) l.first.emplace(l.value[v], v);
    l.readers.assign(l.writer.size(), 0);
    l.announce.assign(l.writer.size(), false);
  }
  int next = 0;
  for (ThreadRec* r : threads)
    for (std::size_t i = 0, n = r->events.size(); i < n; ++i) {
      const Event& e = r->events[i];
      if (!rf_read(e.kind)) continue;
      auto it = rf.find(e.addr);
      if (it == rf.end() || !rf_turn(it->second, r->tid, e.ver)) continue;
      RfLoc& l = it->second;
      if (l.idx < 0) l.idx = next++;
      ++l.readers[e.ver];
      if (rf_needs_version(l, e)) l.announce[e.ver] = true;
    }
  for (auto& [addr, l] : rf) {
    l.passed.resize(l.readers.size());
    std::uint64_t sum = 0;
    for (std::size_t v = 0; v < l.readers.size(); ++v) l.passed[v] = sum += l.readers[v];
  }
  return rf;
}

// Named registers per thread (loads of further named locations write none).
constexpr std::size_t kMaxRegisters = 4096;

std::string num(std::uint64_t v) { return std::to_string(v); }

void write_trace() {
  std::vector<ThreadRec*>& threads = *g_threads;
  int unfinished = 0;
  for (ThreadRec* r : threads)
    if (!r->finished && r->tid != 0) ++unfinished;
  if (unfinished) unsupported("threads still running when the program exited (detached, or exit() before join)");

  const std::string tmp = *g_out;
  FILE* f = fopen(tmp.c_str(), "w");
  if (!f) {
    fprintf(stderr, "cohsim-record: cannot write %s\n", tmp.c_str());
    return;
  }
  Layout lay;
  // Thread words first, then everything in thread order: a stable layout.
  for (ThreadRec* r : threads) lay.map(start_word(r->tid));
  Names names;
  std::vector<std::pair<std::uint64_t, std::string>> places;
  for (ThreadRec* r : threads) {
    if (r->tid) {
      places.push_back({lay.map(start_word(r->tid)), "thread" + num(r->tid) + "_started"});
      places.push_back({lay.map(done_word(r->tid)), "thread" + num(r->tid) + "_done"});
    }
    const std::size_t ne = r->events.size();
    for (std::size_t i = 0; i < ne; ++i) {
      const Event& e = r->events[i];
      if (e.kind != Ev::Fence) names.learn(e.addr, lay.map(e.addr));
    }
  }
  for (auto& p : places) names.syms[p.first] = {p.second, 8};
  std::unordered_map<std::uint64_t, RfLoc> rf = reads_from(threads);
  std::vector<std::uint64_t> rf_loc;  // by turn index: the location
  for (auto& [addr, l] : rf)
    if (l.idx >= 0) {
      if (rf_loc.size() <= std::size_t(l.idx)) rf_loc.resize(l.idx + 1);
      rf_loc[l.idx] = addr;
    }
  for (std::size_t n = 0; n < rf_loc.size(); ++n) {  // after the program's own regions
    names.syms[lay.map(rf_count_word(int(n)))] = {"rf" + num(n) + "_count", 8};
    names.syms[lay.map(rf_version_word(int(n)))] = {"rf" + num(n) + "_version", 8};
  }
  names.freeze();

  std::uint64_t total = 0, hooks = 0;
  for (ThreadRec* r : threads) total += r->events.size(), hooks += r->hooks;
  Out out(f);
  out << "# recorded by cohsim record (libcohsim_record): ";
  out.dec(threads.size()) << " threads, ";
  out.dec(total) << " events, ";
  out.dec(hooks) << " hooks\n";
  out << "# method and limits: docs/recording.md\n";
  for (std::size_t n = 0; n < rf_loc.size(); ++n) {
    const std::uint64_t c = lay.map(rf_loc[n]);
    const Names::Sym* s = names.find(c);
    out << "# rf" << num(n) << ": reads-from turns of ";
    if (!s) out.hex(c);
    else if (c != s->base) out << *s->name << '+', out.dec(c - s->base);
    else out << *s->name;
    out << '\n';
  }
  for (auto& [what, n] : *g_unsupported) out << "# unsupported: " << what << " (", out.dec(n) << " times)\n";
  for (auto& [c, s] : names.syms) {
    out << "place " << s.first << ' ';
    out.hex(c) << '\n';
  }
  for (ThreadRec* r : threads) {
    out << "thread ";
    out.dec(r->tid) << '\n';
    std::unordered_set<std::uint64_t> regs;  // the thread's registers so far: (symbol, offset)
    const std::size_t ne = r->events.size();
    for (std::size_t i = 0; i < ne; ++i) {
      const Event& e = r->events[i];
      if (e.compute) out << "  compute ", out.dec(e.compute) << '\n';
      const std::uint64_t c = e.kind == Ev::Fence ? 0 : lay.map(e.addr);
      const Names::Sym* sym = e.kind == Ev::Fence ? nullptr : names.find(c);
      const std::uint64_t off = sym ? c - sym->base : 0;
      auto addr = [&] {
        out << ' ';
        if (!sym) out.hex(c);
        else if (off) out << *sym->name << '+', out.dec(off);
        else out << *sym->name;
      };
      // A register per named location loaded, up to kMaxRegisters per thread (a trace
      // thread holds at most 32767): a loop over a large array names its first elements.
      const bool loads = e.kind == Ev::Load || e.kind == Ev::ALoad || e.kind == Ev::Rmw || e.kind == Ev::CasOk ||
                         e.kind == Ev::CasFail;
      bool reg = loads && sym;
      if (reg) {
        const std::uint64_t key = (std::uint64_t(sym - names.table.data()) << 40) | off;
        if (!regs.count(key)) {
          if (regs.size() < kMaxRegisters) regs.insert(key);
          else reg = false;
        }
      }
      auto to = [&] {
        if (!reg) return;
        out << " -> " << *sym->name;
        if (off) out << '_', out.dec(off);
      };
      // Reads-from turns (reads_from): before and after the operation.
      const RfLoc* l = nullptr;
      if (rf_read(e.kind) || rf_write(e.kind)) {
        auto it = rf.find(e.addr);
        if (it != rf.end() && it->second.idx >= 0) l = &it->second;
      }
      const bool turn = l && rf_read(e.kind) && rf_turn(*l, r->tid, e.ver);
      if (turn && rf_needs_version(*l, e))
        out << "  wait rf", out.dec(l->idx) << "_version == ", out.dec(e.ver) << " Acquire\n";
      if (l && rf_write(e.kind) && l->readers[e.ver - 1])
        out << "  wait rf", out.dec(l->idx) << "_count == ", out.dec(l->passed[e.ver - 1]) << " Acquire\n";
      auto guard = [&] {
        out << "  wait";
        out.size(e.size);
        addr();
        out << " == ", out.dec(e.v2) << " Relaxed\n";
      };
      switch (e.kind) {
        case Ev::Load:
          out << "  load", out.size(e.size), addr(), to(), out << '\n';
          break;
        case Ev::Store:
          out << "  store", out.size(e.size), addr(), out << ' ', out.dec(e.v1) << '\n';
          break;
        case Ev::ALoad:
          // A spin, or an Acquire/SeqCst load that read another thread's store: wait
          // for the value that was read (docs/recording.md).
          if (e.v2 == 1 || (e.flag && e.order != kRelaxed))
            out << "  wait", out.size(e.size), addr(), out << " == ", out.dec(e.v1) << ' ' << kOrderName[e.order];
          else
            out << "  load", out.size(e.size), addr(), out << ' ' << kOrderName[e.order];
          to(), out << '\n';
          break;
        case Ev::AStore:
          if (e.flag) guard();
          out << "  store", out.size(e.size), addr(), out << ' ', out.dec(e.v1) << ' ' << kOrderName[e.order] << '\n';
          break;
        case Ev::Rmw:
          if (e.flag) guard();
          out << "  " << kRmwName[e.op], out.size(e.size), addr(), out << ' ', out.dec(e.v1) << ' ' << kOrderName[e.order];
          to(), out << '\n';
          break;
        case Ev::CasOk:
        case Ev::CasFail: {
          // A failed one read v2 and wrote nothing: replayed as a compare_exchange that
          // would write back the value it reads (the same coherence request, no new value).
          const bool ok = e.kind == Ev::CasOk;
          if (ok && e.flag) guard();
          out << "  compare_exchange", out.size(e.size), addr(), out << ' ', out.dec(e.v2) << ' ';
          out.dec(ok ? e.v1 : e.v2) << ' ' << kOrderName[e.order] << ' ' << kOrderName[e.fail_order];
          to(), out << '\n';
          break;
        }
        case Ev::Fence: out << "  fence " << kOrderName[e.order] << '\n'; break;
        case Ev::SyncWait: out << "  wait", addr(), out << " == ", out.dec(e.v1) << " Acquire\n"; break;
        case Ev::SyncStore: out << "  store", addr(), out << ' ', out.dec(e.v1) << " Release\n"; break;
        default: break;
      }
      if (turn) out << "  fetch_add rf", out.dec(l->idx) << "_count 1 Release\n";
      if (l && rf_write(e.kind) && l->announce[e.ver])
        out << "  store rf", out.dec(l->idx) << "_version ", out.dec(e.ver) << " Release\n";
    }
    if (r->compute) out << "  compute ", out.dec(r->compute) << '\n';
  }
  out.flush();
  fclose(f);
  for (auto& [what, n] : *g_unsupported)
    fprintf(stderr, "cohsim-record: unsupported: %s (%llu times)\n", what.c_str(),
            static_cast<unsigned long long>(n));
}

void finish_thread(ThreadRec* r) {
  if (!r || r->finished) return;
  flush_pending(r);
  if (r->tid) sync_event(r, Ev::SyncStore, done_word(r->tid), 1);
  r->finished = true;
}

void at_exit() {
  if (!g_active.exchange(false)) return;
  if (t_rec) {
    flush_pending(t_rec);
    t_rec->finished = true;
  }
  std::lock_guard<SpinLock> g(g_lock);
  write_trace();
}

void key_destructor(void* p) { finish_thread(static_cast<ThreadRec*>(p)); }

// ---- Interposed libc / libpthread functions --------------------------------------------

template <typename F>
F next(const char* name) {
  Busy busy;  // dlsym's own memcpy calls are not the program's
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

struct StartArg {
  void* (*fn)(void*);
  void* arg;
  ThreadRec* rec;
};

void* thread_start(void* p) {
  StartArg s = *static_cast<StartArg*>(p);
  delete static_cast<StartArg*>(p);
  t_rec = s.rec;
  pthread_setspecific(g_key, s.rec);
  sync_event(s.rec, Ev::SyncWait, start_word(s.rec->tid), 1);
  return s.fn(s.arg);
}

SpinLock g_handles_lock;

std::map<pthread_t, int>* g_handles;

// Set by a program whose plain accesses are recorded explicitly (the Rust crate's
// RecordCell): its mem* calls come from uninstrumented code (Rust's std formatting,
// thread start-up) and are not the program's shared data.
bool g_ignore_mem_functions = false;

struct TurnSlot {
  std::atomic<std::uint64_t> key{0};
  std::uint64_t turn = 0;
};
constexpr std::size_t kTurnSlots = 1 << 14;
TurnSlot* g_turns;

std::uint64_t* mutex_turn(pthread_mutex_t* m) {
  const auto key = reinterpret_cast<std::uint64_t>(m);
  std::size_t i = std::size_t((key >> 3) * 0x9e3779b97f4a7c15ull >> 50) & (kTurnSlots - 1);
  for (std::size_t probe = 0; probe < 64; ++probe, i = (i + 1) & (kTurnSlots - 1)) {
    TurnSlot& s = g_turns[i];
    std::uint64_t k = s.key.load(std::memory_order_acquire);
    if (k == key) return &s.turn;
    if (k == 0) {
      if (s.key.compare_exchange_strong(k, key, std::memory_order_acq_rel)) return &s.turn;
      if (k == key) return &s.turn;
    }
  }
  std::lock_guard<SpinLock> g(g_lock);
  return &(*g_mutex_turn)[key];  // unordered_map: references stay valid as it grows
}

}  // namespace

extern "C" {

// ---- Initialisation ------------------------------------------------------------------

void __tsan_init() {
  static bool once = false;
  if (once) return;
  once = true;
  const char* out = getenv("COHSIM_RECORD_OUT");
  if (!out || !*out) {
    static bool told = false;
    if (!told)
      fprintf(stderr,
              "cohsim-record: COHSIM_RECORD_OUT is not set: not recording (run the program with `cohsim record -o "
              "FILE -- PROGRAM ARGS`)\n");
    told = true;
    return;
  }
  g_out = new std::string(out);
  g_writer = new std::unordered_map<std::uint64_t, LastWrite>;
  g_threads = new std::vector<ThreadRec*>;
  g_unsupported = new std::map<std::string, std::uint64_t>;
  g_mutex_turn = new std::unordered_map<std::uint64_t, std::uint64_t>;
  g_turns = new TurnSlot[kTurnSlots];
  g_handles = new std::map<pthread_t, int>;
  pthread_key_create(&g_key, key_destructor);
  g_memcpy = reinterpret_cast<CopyFn>(dlsym(RTLD_NEXT, "memcpy"));
  g_memmove = reinterpret_cast<CopyFn>(dlsym(RTLD_NEXT, "memmove"));
  g_memset = reinterpret_cast<SetFn>(dlsym(RTLD_NEXT, "memset"));
  t_rec = new_thread(0);
  g_threads->push_back(t_rec);
  atexit(at_exit);
  g_active = true;
}

// Called by tools/record/rust/cohsim-record after __tsan_init: memcpy, memmove and
// memset calls are not recorded (the program records its plain data itself).
void __cohsim_record_ignore_mem_functions() { g_ignore_mem_functions = true; }

void __tsan_func_entry(void*) {
  if (ThreadRec* r = rec()) r->compute += kCallCycles;
}
void __tsan_func_exit() {}

#define COHSIM_PLAIN(N)                                                                              \
  void __tsan_read##N(void* a) { plain(reinterpret_cast<std::uint64_t>(a), N, false); }              \
  void __tsan_write##N(void* a) { plain(reinterpret_cast<std::uint64_t>(a), N, true); }              \
  void __tsan_unaligned_read##N(void* a) { plain(reinterpret_cast<std::uint64_t>(a), N, false); }    \
  void __tsan_unaligned_write##N(void* a) { plain(reinterpret_cast<std::uint64_t>(a), N, true); }    \
  void __tsan_volatile_read##N(void* a) { plain(reinterpret_cast<std::uint64_t>(a), N, false); }     \
  void __tsan_volatile_write##N(void* a) { plain(reinterpret_cast<std::uint64_t>(a), N, true); }     \
  void __tsan_unaligned_volatile_read##N(void* a) { plain(reinterpret_cast<std::uint64_t>(a), N, false); } \
  void __tsan_unaligned_volatile_write##N(void* a) { plain(reinterpret_cast<std::uint64_t>(a), N, true); } \
  void __tsan_read##N##_pc(void* a, void*) { plain(reinterpret_cast<std::uint64_t>(a), N, false); }  \
  void __tsan_write##N##_pc(void* a, void*) { plain(reinterpret_cast<std::uint64_t>(a), N, true); }
COHSIM_PLAIN(1)
COHSIM_PLAIN(2)
COHSIM_PLAIN(4)
COHSIM_PLAIN(8)
COHSIM_PLAIN(16)
#undef COHSIM_PLAIN

void __tsan_read_range(void* a, unsigned long n) { plain(reinterpret_cast<std::uint64_t>(a), n, false); }
void __tsan_write_range(void* a, unsigned long n) { plain(reinterpret_cast<std::uint64_t>(a), n, true); }
void __tsan_vptr_read(void** a) { plain(reinterpret_cast<std::uint64_t>(a), 8, false); }
void __tsan_vptr_update(void** a, void*) { plain(reinterpret_cast<std::uint64_t>(a), 8, true); }

void __tsan_ignore_thread_begin() {
  if (t_rec) ++t_rec->depth;
}
void __tsan_ignore_thread_end() {
  if (t_rec && t_rec->depth) --t_rec->depth;
}

void __tsan_atomic_thread_fence(int mo) { fence(mo); }
void __tsan_atomic_signal_fence(int) {}  // a compiler barrier: no instruction

#define COHSIM_ATOMIC(N, T)                                                                           \
  T __tsan_atomic##N##_load(const volatile T* a, int mo) {                                            \
    if (bad_order(mo, "__tsan_atomic" #N "_load")) mo = 5;                                            \
    return atomic_load(a, mo);                                                                        \
  }                                                                                                   \
  void __tsan_atomic##N##_store(volatile T* a, T v, int mo) {                                         \
    if (bad_order(mo, "__tsan_atomic" #N "_store")) mo = 5;                                           \
    atomic_store(a, v, mo);                                                                           \
  }                                                                                                   \
  T __tsan_atomic##N##_exchange(volatile T* a, T v, int mo) { return atomic_rmw(a, v, mo, Swap); }    \
  T __tsan_atomic##N##_fetch_add(volatile T* a, T v, int mo) { return atomic_rmw(a, v, mo, Add); }    \
  T __tsan_atomic##N##_fetch_sub(volatile T* a, T v, int mo) { return atomic_rmw(a, v, mo, Sub); }    \
  T __tsan_atomic##N##_fetch_and(volatile T* a, T v, int mo) { return atomic_rmw(a, v, mo, And); }    \
  T __tsan_atomic##N##_fetch_or(volatile T* a, T v, int mo) { return atomic_rmw(a, v, mo, Or); }      \
  T __tsan_atomic##N##_fetch_xor(volatile T* a, T v, int mo) { return atomic_rmw(a, v, mo, Xor); }    \
  T __tsan_atomic##N##_fetch_nand(volatile T* a, T v, int mo) { return atomic_rmw(a, v, mo, Nand); }  \
  int __tsan_atomic##N##_compare_exchange_strong(volatile T* a, T* c, T v, int mo, int fmo) {         \
    bool ok;                                                                                          \
    *c = atomic_cas(a, *c, v, mo, fmo, &ok);                                                          \
    return ok;                                                                                        \
  }                                                                                                   \
  int __tsan_atomic##N##_compare_exchange_weak(volatile T* a, T* c, T v, int mo, int fmo) {           \
    bool ok;                                                                                          \
    *c = atomic_cas(a, *c, v, mo, fmo, &ok);                                                          \
    return ok;                                                                                        \
  }                                                                                                   \
  T __tsan_atomic##N##_compare_exchange_val(volatile T* a, T c, T v, int mo, int fmo) {               \
    bool ok;                                                                                          \
    return atomic_cas(a, c, v, mo, fmo, &ok);                                                         \
  }
COHSIM_ATOMIC(8, std::uint8_t)
COHSIM_ATOMIC(16, std::uint16_t)
COHSIM_ATOMIC(32, std::uint32_t)
COHSIM_ATOMIC(64, std::uint64_t)
#undef COHSIM_ATOMIC

// 128-bit atomics: performed (under the lock, so atomic with respect to each other)
// but not recorded; reported by name.
#define COHSIM_ATOMIC128_UNSUPPORTED(NAME, BODY)                                              \
  unsigned __int128 __tsan_atomic128_##NAME {                                                 \
    unsupported("__tsan_atomic128_" #NAME " (a 128-bit atomic: not recorded)");              \
    std::lock_guard<SpinLock> g(g_lock);                                                    \
    BODY                                                                                      \
  }
using u128 = unsigned __int128;
COHSIM_ATOMIC128_UNSUPPORTED(load(const volatile u128* a, int), return *a;)
COHSIM_ATOMIC128_UNSUPPORTED(exchange(volatile u128* a, u128 v, int), u128 o = *a; *a = v; return o;)
COHSIM_ATOMIC128_UNSUPPORTED(fetch_add(volatile u128* a, u128 v, int), u128 o = *a; *a = o + v; return o;)
COHSIM_ATOMIC128_UNSUPPORTED(fetch_sub(volatile u128* a, u128 v, int), u128 o = *a; *a = o - v; return o;)
COHSIM_ATOMIC128_UNSUPPORTED(fetch_and(volatile u128* a, u128 v, int), u128 o = *a; *a = o & v; return o;)
COHSIM_ATOMIC128_UNSUPPORTED(fetch_or(volatile u128* a, u128 v, int), u128 o = *a; *a = o | v; return o;)
COHSIM_ATOMIC128_UNSUPPORTED(fetch_xor(volatile u128* a, u128 v, int), u128 o = *a; *a = o ^ v; return o;)
COHSIM_ATOMIC128_UNSUPPORTED(fetch_nand(volatile u128* a, u128 v, int), u128 o = *a; *a = ~(o & v); return o;)
COHSIM_ATOMIC128_UNSUPPORTED(compare_exchange_val(volatile u128* a, u128 c, u128 v, int, int),
                             u128 o = *a; if (o == c) *a = v; return o;)
#undef COHSIM_ATOMIC128_UNSUPPORTED
void __tsan_atomic128_store(volatile u128* a, u128 v, int) {
  unsupported("__tsan_atomic128_store (a 128-bit atomic: not recorded)");
  std::lock_guard<SpinLock> g(g_lock);
  *a = v;
}
int __tsan_atomic128_compare_exchange_strong(volatile u128* a, u128* c, u128 v, int, int) {
  unsupported("__tsan_atomic128_compare_exchange_strong (a 128-bit atomic: not recorded)");
  std::lock_guard<SpinLock> g(g_lock);
  const u128 o = *a;
  if (o == *c) {
    *a = v;
    return 1;
  }
  *c = o;
  return 0;
}
int __tsan_atomic128_compare_exchange_weak(volatile u128* a, u128* c, u128 v, int m, int f) {
  return __tsan_atomic128_compare_exchange_strong(a, c, v, m, f);
}

// ---- memcpy, memmove, memset: the instrumented program calls libc's (clang lowers
// the mem intrinsics to calls); recorded as the plain reads and writes they make ------

void* memcpy(void* d, const void* s, size_t n) {
  if (g_memcpy) g_memcpy(d, s, n);
  else byte_move(d, s, n);
  if (g_ignore_mem_functions) return d;
  plain(reinterpret_cast<std::uint64_t>(s), n, false);
  plain(reinterpret_cast<std::uint64_t>(d), n, true);
  return d;
}

void* memmove(void* d, const void* s, size_t n) {
  if (g_memmove) g_memmove(d, s, n);
  else byte_move(d, s, n);
  if (g_ignore_mem_functions) return d;
  plain(reinterpret_cast<std::uint64_t>(s), n, false);
  plain(reinterpret_cast<std::uint64_t>(d), n, true);
  return d;
}

void* memset(void* d, int c, size_t n) {
  if (g_memset) g_memset(d, c, n);
  else
    for (size_t i = 0; i < n; ++i) static_cast<volatile unsigned char*>(d)[i] = static_cast<unsigned char>(c);
  if (!g_ignore_mem_functions) plain(reinterpret_cast<std::uint64_t>(d), n, true);
  return d;
}

// ---- pthreads ------------------------------------------------------------------------

int pthread_create(pthread_t* th, const pthread_attr_t* attr, void* (*fn)(void*), void* arg) {
  using Fn = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  static Fn real = next<Fn>("pthread_create");
  ThreadRec* r = rec();
  if (!r) return real(th, attr, fn, arg);
  Busy busy;  // the runtime's own bookkeeping (vector growth: memmove) is not the program's
  ThreadRec* child;
  {
    std::lock_guard<SpinLock> g(g_lock);
    child = new_thread(int(g_threads->size()));
    g_threads->push_back(child);
  }
  ++r->depth;
  sync_event(r, Ev::SyncStore, start_word(child->tid), 1);
  const int rc = real(th, attr, thread_start, new StartArg{fn, arg, child});
  if (rc == 0) {
    std::lock_guard<SpinLock> g(g_handles_lock);
    (*g_handles)[*th] = child->tid;
  } else {
    r->events.pop_back();  // no thread: no start
    child->finished = true;
  }
  --r->depth;
  return rc;
}

int pthread_join(pthread_t th, void** ret) {
  using Fn = int (*)(pthread_t, void**);
  static Fn real = next<Fn>("pthread_join");
  ThreadRec* r = rec();
  const int rc = real(th, ret);
  if (!r || rc != 0) return rc;
  int tid = -1;
  {
    std::lock_guard<SpinLock> g(g_handles_lock);
    auto it = g_handles->find(th);
    if (it != g_handles->end()) tid = it->second, g_handles->erase(it);
  }
  if (tid > 0) sync_event(r, Ev::SyncWait, done_word(tid), 1);
  return rc;
}

int pthread_detach(pthread_t th) {
  using Fn = int (*)(pthread_t);
  static Fn real = next<Fn>("pthread_detach");
  if (rec()) unsupported("pthread_detach (a detached thread is never joined: no end to replay)");
  return real(th);
}

// A mutex is replayed as a ticket turn in its own first word: the k-th acquisition
// waits for turn k, the release passes turn k+1 (docs/recording.md).
//
// The turns are counted in a table without a lock: open addressing on the mutex's
// address, a slot claimed once by a compare-exchange of its key. A turn itself is only
// read and written by the thread holding the mutex, so the real mutex orders those
// accesses. A table full of other mutexes sends the rest to g_mutex_turn, under g_lock.
static void mutex_acquired(ThreadRec* r, pthread_mutex_t* m) {
  Busy busy;
  const std::uint64_t k = *mutex_turn(m);  // we hold m: no one else moves it
  sync_event(r, Ev::SyncWait, reinterpret_cast<std::uint64_t>(m), k);
}
static void mutex_releasing(ThreadRec* r, pthread_mutex_t* m) {
  Busy busy;
  const std::uint64_t k = ++*mutex_turn(m);
  sync_event(r, Ev::SyncStore, reinterpret_cast<std::uint64_t>(m), k);
}

int pthread_mutex_lock(pthread_mutex_t* m) {
  using Fn = int (*)(pthread_mutex_t*);
  static Fn real = next<Fn>("pthread_mutex_lock");
  const int rc = real(m);
  if (ThreadRec* r = rec(); r && rc == 0) mutex_acquired(r, m);
  return rc;
}

int pthread_mutex_trylock(pthread_mutex_t* m) {
  using Fn = int (*)(pthread_mutex_t*);
  static Fn real = next<Fn>("pthread_mutex_trylock");
  const int rc = real(m);
  if (ThreadRec* r = rec(); r && rc == 0) mutex_acquired(r, m);
  return rc;
}

int pthread_mutex_unlock(pthread_mutex_t* m) {
  using Fn = int (*)(pthread_mutex_t*);
  static Fn real = next<Fn>("pthread_mutex_unlock");
  if (ThreadRec* r = rec()) mutex_releasing(r, m);
  return real(m);
}

// A condition variable wait releases and re-acquires its mutex: replayed as that
// (the wake-up itself is not a memory event the replay needs: the mutex orders it).
int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  using Fn = int (*)(pthread_cond_t*, pthread_mutex_t*);
  static Fn real = [] {
    Busy busy;
    return reinterpret_cast<Fn>(dlvsym(RTLD_NEXT, "pthread_cond_wait", "GLIBC_2.3.2"));
  }();
  ThreadRec* r = rec();
  if (r) mutex_releasing(r, m);
  const int rc = real(c, m);
  if (r) mutex_acquired(r, m);
  return rc;
}

int pthread_barrier_wait(pthread_barrier_t* b) {
  using Fn = int (*)(pthread_barrier_t*);
  static Fn real = next<Fn>("pthread_barrier_wait");
  if (rec()) unsupported("pthread_barrier_wait (not replayed: no ordering between the threads)");
  return real(b);
}

int pthread_rwlock_rdlock(pthread_rwlock_t* l) {
  using Fn = int (*)(pthread_rwlock_t*);
  static Fn real = next<Fn>("pthread_rwlock_rdlock");
  if (rec()) unsupported("pthread_rwlock_rdlock (not replayed: no ordering between the threads)");
  return real(l);
}

int pthread_rwlock_wrlock(pthread_rwlock_t* l) {
  using Fn = int (*)(pthread_rwlock_t*);
  static Fn real = next<Fn>("pthread_rwlock_wrlock");
  if (rec()) unsupported("pthread_rwlock_wrlock (not replayed: no ordering between the threads)");
  return real(l);
}

int sem_wait(void* s) {
  using Fn = int (*)(void*);
  static Fn real = next<Fn>("sem_wait");
  if (rec()) unsupported("sem_wait (not replayed: no ordering between the threads)");
  return real(s);
}

}  // extern "C"

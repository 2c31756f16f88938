// A bounded multi-producer multi-consumer queue with Dmitry Vyukov's per-cell sequence
// numbers (1024cores.net, "Bounded MPMC queue"): cell i starts with seq = i; a producer
// that holds position p may fill cell p % CAP once seq == p, and publishes it with a
// Release store of seq = p + 1; the consumer holding p takes it once seq == p + 1 and
// frees it for the next lap with a Release store of seq = p + CAP. The queue holds no
// lock: producers and consumers meet only in the cells' sequence numbers.
//
// Positions are claimed with fetch_add, as folly's and Rigtorp's MPMCQueue do, rather
// than by Vyukov's compare_exchange retry loop: then each value of a cell's sequence is
// awaited by exactly one thread, the one that will write the next value, so the replay
// (which turns each awaited value into `wait seq == V`) cannot miss a value. A CAS
// claim records the losing claimant's read of a sequence number another consumer
// overwrites next (docs/recording.md, "Limits").
//
// PRODUCERS threads each enqueue ITEMS values (producer p: p*ITEMS+1 .. p*ITEMS+ITEMS),
// CONSUMERS threads each dequeue PRODUCERS*ITEMS/CONSUMERS of them and add them up in
// their slot of `consumed`. Prints `total` (always n(n+1)/2 for n = PRODUCERS*ITEMS)
// and the per-consumer sums of this run; a replay reproduces both (core0.regs.total,
// core0.regs.consumed_8...).
// Recorded with: scripts/record.sh traces/programs/mpmc_queue.c -o mpmc_queue.trace
// The spins yield the core (sched_yield, no memory access: the recorder still sees
// consecutive loads, one wait): the programs run more threads than small machines have cores.
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>

#ifndef PRODUCERS
#define PRODUCERS 2
#endif
#ifndef CONSUMERS
#define CONSUMERS 2
#endif
#ifndef ITEMS
#define ITEMS 32
#endif
#ifndef CAP
#define CAP 8  // a power of two
#endif

struct cell {
  atomic_size_t seq;
  long data;
};

// The positions on lines of their own (Vyukov pads them): producers and consumers do
// not invalidate each other's claims.
struct cell cells[CAP] __attribute__((aligned(64)));
atomic_size_t enqueue_pos __attribute__((aligned(64)));
atomic_size_t dequeue_pos __attribute__((aligned(64)));
long consumed[CONSUMERS] __attribute__((aligned(64)));
long total;

static void enqueue(long v) {
  const size_t pos = atomic_fetch_add_explicit(&enqueue_pos, 1, memory_order_relaxed);
  struct cell* c = &cells[pos & (CAP - 1)];
  while (atomic_load_explicit(&c->seq, memory_order_acquire) != pos) sched_yield();
  c->data = v;
  atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
}

static long dequeue(void) {
  const size_t pos = atomic_fetch_add_explicit(&dequeue_pos, 1, memory_order_relaxed);
  struct cell* c = &cells[pos & (CAP - 1)];
  while (atomic_load_explicit(&c->seq, memory_order_acquire) != pos + 1) sched_yield();
  const long v = c->data;
  atomic_store_explicit(&c->seq, pos + CAP, memory_order_release);
  return v;
}

static void* producer(void* arg) {
  const long p = (long)arg;
  for (long i = 1; i <= ITEMS; ++i) enqueue(p * ITEMS + i);
  return NULL;
}

static void* consumer(void* arg) {
  const long c = (long)arg;
  long sum = 0;
  for (long i = 0; i < PRODUCERS * ITEMS / CONSUMERS; ++i) sum += dequeue();
  consumed[c] = sum;
  return NULL;
}

int main(void) {
  for (size_t i = 0; i < CAP; ++i) atomic_store_explicit(&cells[i].seq, i, memory_order_relaxed);
  pthread_t t[PRODUCERS + CONSUMERS];
  for (long i = 0; i < PRODUCERS; ++i)
    if (pthread_create(&t[i], NULL, producer, (void*)i) != 0) return 1;
  for (long i = 0; i < CONSUMERS; ++i)
    if (pthread_create(&t[PRODUCERS + i], NULL, consumer, (void*)i) != 0) return 1;
  for (int i = 0; i < PRODUCERS + CONSUMERS; ++i) pthread_join(t[i], NULL);
  long sum = 0;
  for (int i = 0; i < CONSUMERS; ++i) {
    printf("consumed[%d] %ld\n", i, consumed[i]);
    sum += consumed[i];
  }
  total = sum;
  printf("total %ld\n", total);
  return 0;
}

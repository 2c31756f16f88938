// A producer/consumer pipeline of three stages, each a thread, joined by bounded
// single-producer single-consumer rings: `source` emits 1..N into ring `ab`, `square`
// squares each item into ring `bc`, `sink` adds the squares up. A ring slot carries a
// sequence number: lap L of slot i is free while seq == 2L, full while seq == 2L + 1;
// the producer fills a free slot and publishes it with a Release store, the consumer
// takes it after an Acquire load and frees it with a Release store. (Each sequence
// value is awaited by the one thread that writes the next, so a replay cannot miss
// one; shared head and tail counters would make the consumer wait for whichever tail
// it happened to read: docs/recording.md, "Limits".)
//
// Prints `sum` = N(N+1)(2N+1)/6 and `last` = N*N (the last item the sink took); a
// replay reproduces both (core0.regs.sum, core0.regs.last).
// Recorded with: scripts/record.sh traces/programs/pipeline.c -o pipeline.trace
// The spins yield the core (sched_yield, no memory access: the recorder still sees
// consecutive loads, one wait): the programs run more threads than small machines have cores.
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

#ifndef N
#define N 48
#endif
#ifndef RING
#define RING 4
#endif

struct ring {
  atomic_ulong seq[RING];
  long val[RING];
} __attribute__((aligned(64)));

struct ring ab, bc;
long sum __attribute__((aligned(64)));
long last;

static void put(struct ring* q, unsigned long i, long v) {
  atomic_ulong* s = &q->seq[i % RING];
  const unsigned long lap = i / RING;
  while (atomic_load_explicit(s, memory_order_acquire) != 2 * lap) sched_yield();
  q->val[i % RING] = v;
  atomic_store_explicit(s, 2 * lap + 1, memory_order_release);
}

static long take(struct ring* q, unsigned long i) {
  atomic_ulong* s = &q->seq[i % RING];
  const unsigned long lap = i / RING;
  while (atomic_load_explicit(s, memory_order_acquire) != 2 * lap + 1) sched_yield();
  const long v = q->val[i % RING];
  atomic_store_explicit(s, 2 * lap + 2, memory_order_release);
  return v;
}

static void* source(void* arg) {
  (void)arg;
  for (unsigned long i = 0; i < N; ++i) put(&ab, i, (long)i + 1);
  return NULL;
}

static void* square(void* arg) {
  (void)arg;
  for (unsigned long i = 0; i < N; ++i) {
    const long v = take(&ab, i);
    put(&bc, i, v * v);
  }
  return NULL;
}

static void* sink(void* arg) {
  (void)arg;
  long s = 0, v = 0;
  for (unsigned long i = 0; i < N; ++i) {
    v = take(&bc, i);
    s += v;
  }
  sum = s;
  last = v;
  return NULL;
}

int main(void) {
  pthread_t t[3];
  void* (*stage[3])(void*) = {source, square, sink};
  for (int i = 0; i < 3; ++i)
    if (pthread_create(&t[i], NULL, stage[i], NULL) != 0) return 1;
  for (int i = 0; i < 3; ++i) pthread_join(t[i], NULL);
  printf("sum %ld\nlast %ld\n", sum, last);
  return 0;
}

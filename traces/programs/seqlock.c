// A sequence lock (seqlock): one writer publishes VERSIONS pairs (a, b = 2a + 1) under a
// sequence counter, odd while it writes; READERS readers take consistent snapshots
// without a lock (retrying when the counter was odd or moved during the read) until
// they have seen the last version.
// Version 0 is (0, 1). The C11 form: the data are Relaxed atomics, the writer's fence after the odd count is
// a Release fence, the reader's before its second count load an Acquire fence.
//
// A seqlock reader reads values the writer overwrites without waiting for it: replayed
// from its trace without the recorder's reads-from turns (docs/recording.md, "Reads-from
// is kept"), a reader's wait for an even count the simulated writer has already moved
// past spins until the watchdog stops it. Prints per reader the snapshots it took
// (`snapshots`; how many depends on the run), the consistent ones among them (`good`,
// all of them) and the last one (`a` = VERSIONS, `b`), which a replay must reproduce in
// the reader's registers (core r+1: regs.da, regs.db).
// Recorded with: scripts/record.sh traces/programs/seqlock.c -o seqlock.trace
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

#ifndef READERS
#define READERS 2
#endif
#ifndef VERSIONS
#define VERSIONS 20
#endif
#ifndef WORK
#define WORK 64
#endif

atomic_ulong seq;
atomic_long da __attribute__((aligned(64)));
atomic_long db = 1;  // version 0: (0, 1)
long good[READERS] __attribute__((aligned(64)));
long snapshots[READERS] __attribute__((aligned(64)));
long last_a[READERS] __attribute__((aligned(64)));
long last_b[READERS] __attribute__((aligned(64)));
long scratch[READERS][WORK] __attribute__((aligned(64)));  // each reader's own work between snapshots

static void* writer(void* arg) {
  (void)arg;
  for (long k = 1; k <= VERSIONS; ++k) {
    const unsigned long s = atomic_load_explicit(&seq, memory_order_relaxed);
    atomic_store_explicit(&seq, s + 1, memory_order_relaxed);  // odd: writing
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&da, k, memory_order_relaxed);
    atomic_store_explicit(&db, 2 * k + 1, memory_order_relaxed);
    atomic_store_explicit(&seq, s + 2, memory_order_release);  // even: version k readable
    sched_yield();
  }
  return NULL;
}

static void* reader(void* arg) {
  const long r = (long)arg;
  long ok = 0, n = 0, a = 0, b = 0;
  while (a != VERSIONS) {  // until it has seen the last version
    ++n;
    unsigned long s1, s2;
    do {
      while ((s1 = atomic_load_explicit(&seq, memory_order_acquire)) & 1) sched_yield();
      a = atomic_load_explicit(&da, memory_order_relaxed);
      b = atomic_load_explicit(&db, memory_order_relaxed);
      atomic_thread_fence(memory_order_acquire);
      s2 = atomic_load_explicit(&seq, memory_order_relaxed);
    } while (s1 != s2);
    ok += b == 2 * a + 1;
    for (int i = 0; i < WORK; ++i) scratch[r][i] += a;  // use the snapshot (the writer runs on meanwhile)
    if (a != VERSIONS)  // the next snapshot is of a newer version
      while (atomic_load_explicit(&seq, memory_order_relaxed) == s1) sched_yield();
  }
  good[r] = ok;
  snapshots[r] = n;
  last_a[r] = a;
  last_b[r] = b;
  return NULL;
}

int main(void) {
  pthread_t w, t[READERS];
  for (long r = 0; r < READERS; ++r)
    if (pthread_create(&t[r], NULL, reader, (void*)r) != 0) return 1;
  if (pthread_create(&w, NULL, writer, NULL) != 0) return 1;
  pthread_join(w, NULL);
  for (int r = 0; r < READERS; ++r) pthread_join(t[r], NULL);
  for (int r = 0; r < READERS; ++r) 
    printf("snapshots[%d] %ld\ngood[%d] %ld\na[%d] %ld\nb[%d] %ld\n", r, snapshots[r], r, good[r], r, last_a[r], r,
           last_b[r]);
  return 0;
}

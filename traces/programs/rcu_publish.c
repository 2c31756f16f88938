// A read-mostly structure published by Release/Acquire, RCU style with quiescent-state
// grace periods (QSBR): the writer fills a new `struct config` off to the side and
// publishes it with one Release store of the pointer `current`; readers load `current`
// with Acquire and read the fields with plain loads, without any lock. The writer may
// reuse a version's memory only after a grace period: once every reader has reported
// (Release store of its `quiescent` word) that it has moved past that version. Two
// buffers in `pool` therefore suffice.
//
// For a result that does not depend on timing, each reader reads every version READS
// times (it waits for the next version after reporting), and the writer waits for the
// grace period after each publication (synchronize_rcu after each update). Each value
// a thread waits for is then overwritten only after that thread has seen it, so the
// replay's waits cannot miss one (docs/recording.md, "Limits").
//
// Invariant of every version k: a = 3k, b = a + 1, c = a + b. Prints per reader the
// number of consistent reads (`good`, READS * VERSIONS) and the sum of the c it read
// (`sum`, READS * sum of 6k+1); a torn or stale read would change both.
// Recorded with: scripts/record.sh traces/programs/rcu_publish.c -o rcu_publish.trace
// The spins yield the core (sched_yield, no memory access: the recorder still sees
// consecutive loads, one wait): the programs run more threads than small machines have cores.
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

#ifndef READERS
#define READERS 3
#endif
#ifndef VERSIONS
#define VERSIONS 6
#endif
#ifndef READS
#define READS 8
#endif

struct config {
  long version, a, b, c;
} __attribute__((aligned(64)));

struct config pool[2];
_Atomic(struct config*) current;
struct {
  atomic_long v;
  char pad[64 - sizeof(atomic_long)];
} quiescent[READERS] __attribute__((aligned(64)));
long good[READERS] __attribute__((aligned(64)));
long sum[READERS] __attribute__((aligned(64)));

static void* writer(void* arg) {
  (void)arg;
  for (long k = 1; k <= VERSIONS; ++k) {
    struct config* n = &pool[k % 2];  // version k - 2 lived here: its grace period is over
    n->version = k;
    n->a = 3 * k;
    n->b = n->a + 1;
    n->c = n->a + n->b;
    atomic_store_explicit(&current, n, memory_order_release);
    for (int r = 0; r < READERS; ++r)  // synchronize: every reader has moved past k - 1
      while (atomic_load_explicit(&quiescent[r].v, memory_order_acquire) != k) sched_yield();
  }
  return NULL;
}

static void* reader(void* arg) {
  const long r = (long)arg;
  struct config* last = NULL;
  long ok = 0, s = 0;
  for (long k = 1; k <= VERSIONS; ++k) {
    struct config* p;
    while ((p = atomic_load_explicit(&current, memory_order_acquire)) == last) sched_yield();
    for (int j = 0; j < READS; ++j) {
      const long v = p->version, a = p->a, b = p->b, c = p->c;
      ok += a == 3 * v && b == a + 1 && c == a + b;
      s += c;
      __asm__ volatile("" ::: "memory");  // each lookup reads the structure afresh
    }
    last = p;
    atomic_store_explicit(&quiescent[r].v, k, memory_order_release);  // quiescent: done with k
  }
  good[r] = ok;
  sum[r] = s;
  return NULL;
}

int main(void) {
  pthread_t w, t[READERS];
  for (long i = 0; i < READERS; ++i)
    if (pthread_create(&t[i], NULL, reader, (void*)i) != 0) return 1;
  if (pthread_create(&w, NULL, writer, NULL) != 0) return 1;
  pthread_join(w, NULL);
  for (int i = 0; i < READERS; ++i) pthread_join(t[i], NULL);
  for (int i = 0; i < READERS; ++i) printf("good[%d] %ld\nsum[%d] %ld\n", i, good[i], i, sum[i]);
  return 0;
}

// A parallel histogram: THREADS threads each classify their share of `input` (N
// pseudo-random values made by main) into BINS shared counters with Relaxed
// fetch_add, the way a statistics pass or a radix sort's counting phase does. The
// counters share lines, so the threads' increments of different bins still take the
// same lines back and forth. After the joins main reads the bins.
//
// Prints each bin (`bins[i]`, the same in every run: the input is fixed) and their
// sum, N; a replay reproduces them (core0.regs.bins, core0.regs.bins_8, ...).
// Recorded with: scripts/record.sh traces/programs/histogram.c -o histogram.trace
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#ifndef THREADS
#define THREADS 4
#endif
#ifndef N
#define N 256
#endif
#ifndef BINS
#define BINS 8
#endif

unsigned input[N];
atomic_long bins[BINS] __attribute__((aligned(64)));
long count;

static void* worker(void* arg) {
  const long id = (long)arg;
  for (long i = id * (N / THREADS); i < (id + 1) * (N / THREADS); ++i)
    atomic_fetch_add_explicit(&bins[input[i] % BINS], 1, memory_order_relaxed);
  return NULL;
}

int main(void) {
  unsigned x = 12345;
  for (long i = 0; i < N; ++i) {
    x = x * 1103515245u + 12345u;  // the C standard's example rand()
    input[i] = (x >> 16) & 0x7fff;
  }
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; ++i)
    if (pthread_create(&t[i], NULL, worker, (void*)i) != 0) return 1;
  for (int i = 0; i < THREADS; ++i) pthread_join(t[i], NULL);
  long n = 0;
  for (int b = 0; b < BINS; ++b) {
    const long v = atomic_load_explicit(&bins[b], memory_order_relaxed);
    printf("bins[%d] %ld\n", b, v);
    n += v;
  }
  count = n;
  printf("count %ld\n", count);
  return 0;
}

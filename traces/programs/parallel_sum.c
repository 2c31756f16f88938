// A parallel sum: each of THREADS threads adds up its quarter of `input` into its own
// slot of `partial`, then main adds the slots. Without -DPADDED the slots are adjacent
// longs in one cache line (false sharing: every add of every thread takes the line
// exclusive); with -DPADDED each slot has a 64-byte line of its own.
// Prints the total, which a replay must reproduce (core0.regs.total).
#include <pthread.h>
#include <stdio.h>

#ifndef THREADS
#define THREADS 4
#endif
#ifndef N
#define N 256
#endif

long input[N];
#ifdef PADDED
struct { long v; char pad[64 - sizeof(long)]; } __attribute__((aligned(64))) partial[THREADS];
#define SLOT(i) partial[i].v
#else
long partial[THREADS] __attribute__((aligned(64)));
#define SLOT(i) partial[i]
#endif
long total;

static void* worker(void* arg) {
  const long id = (long)arg;
  for (long i = id * (N / THREADS); i < (id + 1) * (N / THREADS); ++i) {
    SLOT(id) += input[i];
    __asm__ volatile("" ::: "memory");  // keep the slot in memory, as a real accumulator often is
  }
  return NULL;
}

int main(void) {
  for (long i = 0; i < N; ++i) input[i] = i + 1;
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; ++i)
    if (pthread_create(&t[i], NULL, worker, (void*)i) != 0) return 1;
  for (int i = 0; i < THREADS; ++i) pthread_join(t[i], NULL);
  long sum = 0;
  for (int i = 0; i < THREADS; ++i) sum += SLOT(i);
  total = sum;
  printf("total %ld\n", total);
  return 0;
}

// A lock-protected counter and a Release/Acquire message pass (traces/programs/README.md).
// Threads 1..N each add 1 to `counter` ITERS times under `lock`; thread 1 then publishes
// `data` with a Release store of `ready`, which main waits for with Acquire loads.
// Built with -DRACY, the counter is incremented without the lock: a data race.
// Prints the final values, which a replay must reproduce.
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef THREADS
#define THREADS 3
#endif
#ifndef ITERS
#define ITERS 20
#endif

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
long counter;
long data;
atomic_int ready;
long seen;

static void* worker(void* arg) {
  const long id = (long)arg;
  for (int i = 0; i < ITERS; ++i) {
#ifndef RACY
    pthread_mutex_lock(&lock);
#endif
    counter = counter + 1;
#ifndef RACY
    pthread_mutex_unlock(&lock);
#endif
  }
  if (id == 1) {
    data = 42;
    atomic_store_explicit(&ready, 1, memory_order_release);
  }
  return NULL;
}

int main(void) {
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; ++i)
    if (pthread_create(&t[i], NULL, worker, (void*)(i + 1)) != 0) return 1;
  while (!atomic_load_explicit(&ready, memory_order_acquire)) {
  }
  seen = data;
  for (int i = 0; i < THREADS; ++i) pthread_join(t[i], NULL);
  printf("counter %ld\nseen %ld\n", counter, seen);
  return 0;
}

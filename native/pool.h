// fathom's one thread pool for the whole process (FATHOM_THREADS, default: the CPUs this process
// may run on). Every parallel kernel in the addon runs on it, and OpenBLAS is told to use the same
// number of threads; calls from JS are synchronous, so the pool and OpenBLAS never run at once
// and the machine is never oversubscribed.
//
// Only non-inline functions and templates live here: this header is included by kernels compiled
// for different ISAs (see native/kernels/simd.h for why that matters).
#pragma once
#include <cstdint>
#include <type_traits>

namespace fathom {

// Threads used by parallel kernels (and by OpenBLAS), including the calling thread.
int pool_threads();
// Resizes the pool (n ≥ 1) and OpenBLAS's thread count with it.
void pool_set_threads(int n);
// Tells idle workers to sleep now rather than spin: called before handing the cores to OpenBLAS.
void pool_park();
// True inside a pool task: nested parallel loops then run inline.
bool pool_in_task();
// Runs fn(ctx, i) for every i in [0, n_tasks) on the pool, the caller taking tasks too; tasks are
// handed out in order from an atomic counter, so uneven tasks balance themselves.
void pool_run(int64_t n_tasks, void (*fn)(void*, int64_t), void* ctx);

// Splits [0, n) into contiguous ranges of at least `grain` items, up to 8 per thread (so a thread
// that is preempted on a busy machine strands little work), and calls f(lo, hi) for each, in
// parallel when there is more than one range.
template <class F>
void parallel_for(int64_t n, int64_t grain, F&& f) {
  if (n <= 0) return;
  const int64_t threads = pool_threads();
  if (grain < 1) grain = 1;
  if (threads <= 1 || n < 2 * grain || pool_in_task()) {
    f(int64_t{0}, n);
    return;
  }
  int64_t chunks = n / grain;
  if (chunks > 8 * threads) chunks = 8 * threads;
  using Fn = std::remove_reference_t<F>;
  struct Ctx { Fn* f; int64_t n, chunks; } ctx{&f, n, chunks};
  pool_run(chunks, [](void* c, int64_t i) {
    Ctx* x = static_cast<Ctx*>(c);
    (*x->f)(i * x->n / x->chunks, (i + 1) * x->n / x->chunks);
  }, &ctx);
}

// Calls f(i) for i in [0, n) with one task per i (for per-thread partial results, use
// n = pool_threads() and index buffers by i).
template <class F>
void parallel_tasks(int64_t n, F&& f) {
  if (n <= 0) return;
  if (n == 1 || pool_threads() <= 1 || pool_in_task()) {
    for (int64_t i = 0; i < n; i++) f(i);
    return;
  }
  using Fn = std::remove_reference_t<F>;
  pool_run(n, [](void* c, int64_t i) { (*static_cast<Fn*>(c))(i); }, &f);
}

}  // namespace fathom

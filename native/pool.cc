// The process-wide thread pool behind fathom::parallel_for (see pool.h for the contract).
// Workers spin briefly after a job, because kernels come in quick succession during a training
// step and waking a sleeping thread costs tens of microseconds; then they sleep on a condition
// variable so that OpenBLAS (or anything else) gets the cores. A job is "open" while the caller
// works on it; a worker that wakes after the caller closed it does nothing, so the caller never
// waits for a sleeping thread to wake up. Before an OpenBLAS call the workers are parked (they
// sleep at once instead of spinning), so OpenBLAS's threads get both cores.
#include "pool.h"
#include "blas.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace fathom {
namespace {

constexpr int64_t kClosed = int64_t{1} << 40;
// How long an idle worker keeps polling for the next job before sleeping.
constexpr auto kSpin = std::chrono::microseconds(50);

struct Job {
  void (*fn)(void*, int64_t) = nullptr;
  void* ctx = nullptr;
  int64_t n = 0;
};

struct Pool {
  std::vector<std::thread> workers;
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<uint64_t> gen{0};
  std::atomic<int> sleepers{0};
  std::atomic<bool> stop{false};
  std::atomic<bool> park{false};  // idle workers stop spinning and sleep (set before OpenBLAS runs)
  std::atomic<int64_t> joined{kClosed};  // workers inside the current job, | kClosed once closed
  std::atomic<int64_t> next{0};          // next task index of the current job
  Job job;
  int threads = 1;
  // Held by the thread whose job is on the pool. A second JS thread (worker_threads) calling a
  // kernel meanwhile runs it on its own thread instead of sharing the single job slot.
  std::atomic<bool> busy{false};
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: workers may outlive static destruction order
  return *p;
}

thread_local bool t_in_task = false;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

void take_tasks(Pool& p) {
  for (;;) {
    int64_t i = p.next.fetch_add(1, std::memory_order_relaxed);
    if (i >= p.job.n) return;
    p.job.fn(p.job.ctx, i);
  }
}

void worker_main(Pool* pp) {
  Pool& p = *pp;
  t_in_task = true;
  uint64_t seen = p.gen.load();
  for (;;) {
    auto start = std::chrono::steady_clock::now();
    for (int spins = 0; p.gen.load(std::memory_order_acquire) == seen && !p.stop.load(); spins++) {
      cpu_relax();
      if (p.park.load(std::memory_order_relaxed) ||
          ((spins & 63) == 63 && std::chrono::steady_clock::now() - start > kSpin)) {
        std::unique_lock<std::mutex> lock(p.mu);
        p.sleepers.fetch_add(1);
        p.cv.wait(lock, [&] { return p.gen.load() != seen || p.stop.load(); });
        p.sleepers.fetch_sub(1);
      }
    }
    if (p.stop.load()) return;
    seen = p.gen.load(std::memory_order_acquire);
    if (p.joined.fetch_add(1, std::memory_order_acq_rel) & kClosed) {
      p.joined.fetch_sub(1, std::memory_order_acq_rel);  // too late: the caller finished the job
      continue;
    }
    take_tasks(p);
    p.joined.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void stop_workers(Pool& p) {
  {
    std::lock_guard<std::mutex> lock(p.mu);
    p.stop.store(true);
  }
  p.cv.notify_all();
  for (auto& t : p.workers) t.join();
  p.workers.clear();
  p.stop.store(false);
}

}  // namespace

int pool_threads() { return pool().threads; }

void pool_park() { pool().park.store(true, std::memory_order_relaxed); }

bool pool_in_task() { return t_in_task; }

void pool_set_threads(int n) {
  if (n < 1) n = 1;
  Pool& p = pool();
  blas_set_threads(n);
  if (n == p.threads && static_cast<int>(p.workers.size()) == n - 1) return;
  stop_workers(p);
  p.threads = n;
  for (int i = 0; i < n - 1; i++) p.workers.emplace_back(worker_main, &p);
}

void pool_run(int64_t n_tasks, void (*fn)(void*, int64_t), void* ctx) {
  Pool& p = pool();
  if (t_in_task || p.workers.empty() || n_tasks <= 1 || p.busy.exchange(true, std::memory_order_acquire)) {
    for (int64_t i = 0; i < n_tasks; i++) fn(ctx, i);
    return;
  }
  // Publish the job, then open it (the release store orders the fields before any worker joins).
  p.park.store(false, std::memory_order_relaxed);
  p.job = Job{fn, ctx, n_tasks};
  p.next.store(0, std::memory_order_relaxed);
  // Reopen by clearing only the closed bit: a worker that arrived too late for the previous job
  // may sit between its fetch_add and its undoing fetch_sub right now. Storing 0 would drop its
  // +1 and its -1 would then leave the count at -1, so the wait below would never end (a hang
  // seen once in a long training run on a loaded machine). Its pair stays balanced this way.
  p.joined.fetch_and(~kClosed, std::memory_order_acq_rel);
  p.gen.fetch_add(1);
  if (p.sleepers.load() > 0) {
    { std::lock_guard<std::mutex> lock(p.mu); }
    p.cv.notify_all();
  }
  t_in_task = true;
  take_tasks(p);
  t_in_task = false;
  // Close the job and wait only for workers that joined it; they are finishing their last task.
  p.joined.fetch_or(kClosed, std::memory_order_acq_rel);
  // On a busy machine a joined worker may have been preempted: after a short spin, yield so it
  // can run (possibly on this core) instead of burning the time slice it needs.
  for (int spins = 0; (p.joined.load(std::memory_order_acquire) & ~kClosed) != 0; spins++) {
    if (spins < 2000) cpu_relax();
    else std::this_thread::yield();
  }
  p.busy.store(false, std::memory_order_release);
}

}  // namespace fathom

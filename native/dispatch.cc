// Picks the kernel table for this CPU at load time: the AVX2/FMA copy when the CPU has both (and
// FATHOM_NATIVE_ISA is not "scalar"), the baseline copy otherwise. set_isa() lets tests and
// benchmarks run the scalar path on an AVX2 machine.
#include <atomic>
#include <cstdlib>
#include <cstring>

#include "kernels.h"

namespace fathom {
namespace {

const KernelTable* initial_table() {
  const char* forced = std::getenv("FATHOM_NATIVE_ISA");
  if (forced && std::strcmp(forced, "scalar") == 0) return kernels_base();
  if (kernels_avx2() && cpu_has_avx2() && cpu_has_fma()) return kernels_avx2();
  return kernels_base();
}

std::atomic<const KernelTable*> g_table{nullptr};

}  // namespace

bool cpu_has_avx2() {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

bool cpu_has_fma() {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

const KernelTable& K() {
  const KernelTable* t = g_table.load(std::memory_order_acquire);
  if (!t) {
    t = initial_table();
    g_table.store(t, std::memory_order_release);
  }
  return *t;
}

bool set_isa(const char* isa) {
  if (std::strcmp(isa, "scalar") == 0) {
    g_table.store(kernels_base());
    return true;
  }
  if (std::strcmp(isa, "avx2") == 0 && kernels_avx2() && cpu_has_avx2() && cpu_has_fma()) {
    g_table.store(kernels_avx2());
    return true;
  }
  return false;
}

}  // namespace fathom

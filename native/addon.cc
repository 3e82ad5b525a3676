// Entry point of fathom_native.node: sets up the thread pool from FATHOM_THREADS, registers the
// bindings (bind_*.cc) and reports what was built (info()), for `fathom doctor` and the loader
// in src/tensor/native/.
#include <sched.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <cstdlib>
#include <thread>

#include "args.h"
#include "blas.h"
#include "kernels.h"
#include "pool.h"

namespace fathom {
namespace {

// CPUs this process may run on (cgroup/affinity aware, like os.availableParallelism()).
int available_cpus() {
#ifdef __linux__
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
#endif
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

int threads_from_env() {
  const char* s = std::getenv("FATHOM_THREADS");
  if (s && *s) {
    char* end = nullptr;
    const long n = std::strtol(s, &end, 10);
    if (end && *end == '\0' && n >= 1 && n <= 1024) return static_cast<int>(n);
  }
  return available_cpus();
}

const char* gemm_backend() {
  if (blas_available()) return "openblas";
  return std::string(K().isa) == "avx2" ? "blocked-avx2" : "scalar";
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("blas", gemm_backend());
  o.Set("blasConfig", blas_config());
  o.Set("blasThreads", blas_threads());
  o.Set("isa", K().isa);
  o.Set("threads", pool_threads());
  o.Set("cpus", available_cpus());
  o.Set("avx2", cpu_has_avx2());
  o.Set("fma", cpu_has_fma());
  o.Set("avx2Compiled", kernels_avx2() != nullptr);
  return o;
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Args in(info, "setThreads");
  const int64_t n = in.count(0, "threads");
  if (in.ok() && (n < 1 || n > 1024)) in.fail("threads must be 1..1024");
  if (in.ok()) pool_set_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  Args in(info, "setIsa");
  const std::string isa = in.string(0, "isa");
  if (!in.ok()) return info.Env().Undefined();
  return Napi::Boolean::New(info.Env(), set_isa(isa.c_str()));
}

// The C++ enum values, so the TypeScript mirror can be checked against them.
Napi::Value OpCodes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("binaryCount", static_cast<int>(kBinaryOpCount));
  o.Set("unaryCount", static_cast<int>(kUnaryOpCount));
  o.Set("reduceCount", static_cast<int>(kReduceOpCount));
  o.Set("geluErf", static_cast<int>(kGeluErf));
  o.Set("cos", static_cast<int>(kCos));
  o.Set("gt", static_cast<int>(kGt));
  o.Set("min", static_cast<int>(kMin));
  return o;
}

// Large tensor buffers (≥ 1 MB) are short-lived. glibc serves blocks that size with fresh mmaps,
// or trims them off the heap as soon as a GC frees a few, so every new output array page-faults
// on first write: ≈ 0.4 ms per MB, 20% of a 512² GEMM, ~28 000 faults per step of the benchmark
// GPT. Keeping blocks up to 32 MB in the heap and trimming only above 512 MB of free top makes
// training steps reuse the same pages. The price is that the resident set stays at its
// high-water mark, a few MB of creep that would dominate a tiny model's footprint — so the
// TypeScript side calls this only once a kernel allocates a buffer of 1 MB or more.
// FATHOM_MALLOC_TUNE=0 leaves glibc's defaults alone.
Napi::Value TuneMalloc(const Napi::CallbackInfo& info) {
  static bool done = false;
  bool applied = false;
#ifdef __GLIBC__
  const char* s = std::getenv("FATHOM_MALLOC_TUNE");
  if (!done && !(s && std::string(s) == "0")) {
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
    applied = true;
  }
#endif
  done = true;
  return Napi::Boolean::New(info.Env(), applied);
}

// Returns the free pages of every malloc arena to the OS (glibc's malloc_trim also releases whole
// free pages inside the heap, not only its top). Tensor storage freed by a collection leaves
// holes between live blocks; without this the resident set is the high-water mark of every
// collection's timing so far, and creeps. Called by src/tensor/memory.ts after its collections,
// rate-limited; not while tuneMalloc() keeps large blocks resident on purpose.
Napi::Value TrimHeap(const Napi::CallbackInfo& info) {
  bool released = false;
#ifdef __GLIBC__
  released = malloc_trim(0) != 0;
#endif
  return Napi::Boolean::New(info.Env(), released);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  pool_set_threads(threads_from_env());
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa, "setIsa"));
  exports.Set("opCodes", Napi::Function::New(env, OpCodes, "opCodes"));
  exports.Set("tuneMalloc", Napi::Function::New(env, TuneMalloc, "tuneMalloc"));
  exports.Set("trimHeap", Napi::Function::New(env, TrimHeap, "trimHeap"));
  register_gemm(env, exports);
  register_elementwise(env, exports);
  register_fused(env, exports);
  return exports;
}

}  // namespace
}  // namespace fathom

// NODE_API_MODULE pastes its argument into an identifier, so it needs an unqualified name.
static Napi::Object InitFathomNative(Napi::Env env, Napi::Object exports) {
  return fathom::Init(env, exports);
}
NODE_API_MODULE(fathom_native, InitFathomNative)

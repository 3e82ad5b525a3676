// N-API bindings for the fused kernels: norms, softmax family, cross-entropy, attention, rope,
// embedding and AdamW. Argument order follows native/kernels.h; optional tensors are null.
#include "args.h"
#include "kernels.h"

namespace fathom {
namespace {

using Fn = Napi::Value (*)(const Napi::CallbackInfo&);

// (x, w?, b?, y, mean?, rstd?, rows, c, eps)
Napi::Value LayerNormForward(const Napi::CallbackInfo& info) {
  Args in(info, "layerNormForward");
  const int64_t rows = in.count(6, "rows"), c = in.count(7, "c");
  const float eps = static_cast<float>(in.number(8, "eps"));
  const float* x = in.f32(0, "x", rows * c);
  const float* w = in.f32(1, "weight", c, true);
  const float* b = in.f32(2, "bias", c, true);
  float* y = in.f32(3, "y", rows * c);
  float* mean = in.f32(4, "mean", rows, true);
  float* rstd = in.f32(5, "rstd", rows, true);
  if (in.ok()) K().layernorm_fwd(x, w, b, y, mean, rstd, rows, c, eps);
  return info.Env().Undefined();
}

// (x, w?, mean, rstd, gy, gx?, gw?, gb?, rows, c)
Napi::Value LayerNormBackward(const Napi::CallbackInfo& info) {
  Args in(info, "layerNormBackward");
  const int64_t rows = in.count(8, "rows"), c = in.count(9, "c");
  const float* x = in.f32(0, "x", rows * c);
  const float* w = in.f32(1, "weight", c, true);
  const float* mean = in.f32(2, "mean", rows);
  const float* rstd = in.f32(3, "rstd", rows);
  const float* gy = in.f32(4, "gy", rows * c);
  float* gx = in.f32(5, "gx", rows * c, true);
  float* gw = in.f32(6, "gWeight", c, true);
  float* gb = in.f32(7, "gBias", c, true);
  if (in.ok()) K().layernorm_bwd(x, w, mean, rstd, gy, gx, gw, gb, rows, c);
  return info.Env().Undefined();
}

// (x, w?, y, rstd?, rows, c, eps)
Napi::Value RmsNormForward(const Napi::CallbackInfo& info) {
  Args in(info, "rmsNormForward");
  const int64_t rows = in.count(4, "rows"), c = in.count(5, "c");
  const float eps = static_cast<float>(in.number(6, "eps"));
  const float* x = in.f32(0, "x", rows * c);
  const float* w = in.f32(1, "weight", c, true);
  float* y = in.f32(2, "y", rows * c);
  float* rstd = in.f32(3, "rstd", rows, true);
  if (in.ok()) K().rmsnorm_fwd(x, w, y, rstd, rows, c, eps);
  return info.Env().Undefined();
}

// (x, w?, rstd, gy, gx?, gw?, rows, c)
Napi::Value RmsNormBackward(const Napi::CallbackInfo& info) {
  Args in(info, "rmsNormBackward");
  const int64_t rows = in.count(6, "rows"), c = in.count(7, "c");
  const float* x = in.f32(0, "x", rows * c);
  const float* w = in.f32(1, "weight", c, true);
  const float* rstd = in.f32(2, "rstd", rows);
  const float* gy = in.f32(3, "gy", rows * c);
  float* gx = in.f32(4, "gx", rows * c, true);
  float* gw = in.f32(5, "gWeight", c, true);
  if (in.ok()) K().rmsnorm_bwd(x, w, rstd, gy, gx, gw, rows, c);
  return info.Env().Undefined();
}

// (x, y, rows, c, log)
Napi::Value SoftmaxForward(const Napi::CallbackInfo& info) {
  Args in(info, "softmaxForward");
  const int64_t rows = in.count(2, "rows"), c = in.count(3, "c");
  const bool log = in.boolean(4, "log");
  const float* x = in.f32(0, "x", rows * c);
  float* y = in.f32(1, "y", rows * c);
  if (in.ok()) K().softmax_fwd(x, y, rows, c, log);
  return info.Env().Undefined();
}

// (y, gy, gx, rows, c, log)
Napi::Value SoftmaxBackward(const Napi::CallbackInfo& info) {
  Args in(info, "softmaxBackward");
  const int64_t rows = in.count(3, "rows"), c = in.count(4, "c");
  const bool log = in.boolean(5, "log");
  const float* y = in.f32(0, "y", rows * c);
  const float* gy = in.f32(1, "gy", rows * c);
  float* gx = in.f32(2, "gx", rows * c);
  if (in.ok()) K().softmax_bwd(y, gy, gx, rows, c, log);
  return info.Env().Undefined();
}

// (x, out, rows, c)
Napi::Value LogSumExp(const Napi::CallbackInfo& info) {
  Args in(info, "logSumExp");
  const int64_t rows = in.count(2, "rows"), c = in.count(3, "c");
  const float* x = in.f32(0, "x", rows * c);
  float* out = in.f32(1, "out", rows);
  if (in.ok()) K().logsumexp(x, out, rows, c);
  return info.Env().Undefined();
}

// (logits, targets: Int32Array, weights?, ignoreIndex, loss, lse, rows, v)
Napi::Value CrossEntropyForward(const Napi::CallbackInfo& info) {
  Args in(info, "crossEntropyForward");
  const int64_t rows = in.count(6, "rows"), v = in.count(7, "v");
  const int32_t ignore = static_cast<int32_t>(in.number(3, "ignoreIndex"));
  const float* x = in.f32(0, "logits", rows * v);
  const int32_t* t = in.i32(1, "targets", rows);
  const float* w = in.f32(2, "weights", rows, true);
  float* loss = in.f32(4, "loss", rows);
  float* lse = in.f32(5, "lse", rows);
  if (in.ok()) K().cross_entropy_fwd(x, t, w, ignore, loss, lse, rows, v);
  return info.Env().Undefined();
}

// (logits, lse, targets, weights?, ignoreIndex, scale, gx, rows, v)
Napi::Value CrossEntropyBackward(const Napi::CallbackInfo& info) {
  Args in(info, "crossEntropyBackward");
  const int64_t rows = in.count(7, "rows"), v = in.count(8, "v");
  const int32_t ignore = static_cast<int32_t>(in.number(4, "ignoreIndex"));
  const float scale = static_cast<float>(in.number(5, "scale"));
  const float* x = in.f32(0, "logits", rows * v);
  const float* lse = in.f32(1, "lse", rows);
  const int32_t* t = in.i32(2, "targets", rows);
  const float* w = in.f32(3, "weights", rows, true);
  float* gx = in.f32(6, "gx", rows * v);
  if (in.ok()) K().cross_entropy_bwd(x, lse, t, w, ignore, scale, gx, rows, v);
  return info.Env().Undefined();
}

// Attention geometry: dims = Float64Array [batch, hq, hkv, tq, tk, d, dv, offset, causal, scale];
// strides = Float64Array of (b, h, t) triples for q, k, v, mask, o|go, gq, gk, gv (24 numbers).
bool read_attention(Args& in, size_t dims_at, size_t strides_at, AttentionArgs& a) {
  const double* d = in.f64(dims_at, "dims", 10);
  const double* s = in.f64(strides_at, "strides", 24);
  if (!in.ok()) return false;
  a.batch = static_cast<int64_t>(d[0]); a.hq = static_cast<int64_t>(d[1]);
  a.hkv = static_cast<int64_t>(d[2]); a.tq = static_cast<int64_t>(d[3]);
  a.tk = static_cast<int64_t>(d[4]); a.d = static_cast<int64_t>(d[5]);
  a.dv = static_cast<int64_t>(d[6]); a.offset = static_cast<int64_t>(d[7]);
  a.causal = d[8] != 0.0;
  a.scale = static_cast<float>(d[9]);
  if (a.batch < 0 || a.hq < 1 || a.hkv < 1 || a.hq % a.hkv != 0 || a.tq < 0 || a.tk < 0 || a.d < 1 || a.dv < 1) {
    in.fail("dims: need batch ≥ 0, hq ≥ 1, hkv ≥ 1 dividing hq, tq, tk ≥ 0, d, dv ≥ 1");
    return false;
  }
  Strides4* all[8] = {&a.sq, &a.sk, &a.sv, &a.smask, &a.so, &a.sgq, &a.sgk, &a.sgv};
  for (int i = 0; i < 8; i++) {
    all[i]->b = static_cast<int64_t>(s[3 * i]);
    all[i]->h = static_cast<int64_t>(s[3 * i + 1]);
    all[i]->t = static_cast<int64_t>(s[3 * i + 2]);
    if (all[i]->b < 0 || all[i]->h < 0 || all[i]->t < 0) {
      in.fail("strides must be non-negative");
      return false;
    }
  }
  a.sgo = a.so;
  return true;
}

// Elements a strided [batch, heads, rows, cols] view reaches.
int64_t reach(const Strides4& s, int64_t batch, int64_t heads, int64_t rows, int64_t cols) {
  if (batch == 0 || heads == 0 || rows == 0 || cols == 0) return 0;
  return (batch - 1) * s.b + (heads - 1) * s.h + (rows - 1) * s.t + cols;
}

// (q, k, v, mask?, out, lse?, dims, strides)
Napi::Value AttentionForward(const Napi::CallbackInfo& info) {
  Args in(info, "attentionForward");
  AttentionArgs a;
  if (!read_attention(in, 6, 7, a)) return info.Env().Undefined();
  a.q = in.f32(0, "q", reach(a.sq, a.batch, a.hq, a.tq, a.d));
  a.k = in.f32(1, "k", reach(a.sk, a.batch, a.hkv, a.tk, a.d));
  a.v = in.f32(2, "v", reach(a.sv, a.batch, a.hkv, a.tk, a.dv));
  a.mask = in.f32(3, "mask", reach(a.smask, a.batch, a.hq, a.tq, a.tk), true);
  a.o = in.f32(4, "out", reach(a.so, a.batch, a.hq, a.tq, a.dv));
  a.lse = in.f32(5, "lse", a.batch * a.hq * a.tq, true);
  if (in.ok()) K().attention_fwd(a);
  return info.Env().Undefined();
}

// (q, k, v, mask?, lse, gOut, gq, gk, gv, dims, strides): gOut uses the "o" strides.
Napi::Value AttentionBackward(const Napi::CallbackInfo& info) {
  Args in(info, "attentionBackward");
  AttentionArgs a;
  if (!read_attention(in, 9, 10, a)) return info.Env().Undefined();
  a.q = in.f32(0, "q", reach(a.sq, a.batch, a.hq, a.tq, a.d));
  a.k = in.f32(1, "k", reach(a.sk, a.batch, a.hkv, a.tk, a.d));
  a.v = in.f32(2, "v", reach(a.sv, a.batch, a.hkv, a.tk, a.dv));
  a.mask = in.f32(3, "mask", reach(a.smask, a.batch, a.hq, a.tq, a.tk), true);
  a.lse = in.f32(4, "lse", a.batch * a.hq * a.tq);
  a.go = in.f32(5, "gOut", reach(a.sgo, a.batch, a.hq, a.tq, a.dv));
  a.gq = in.f32(6, "gq", reach(a.sgq, a.batch, a.hq, a.tq, a.d));
  a.gk = in.f32(7, "gk", reach(a.sgk, a.batch, a.hkv, a.tk, a.d));
  a.gv = in.f32(8, "gv", reach(a.sgv, a.batch, a.hkv, a.tk, a.dv));
  if (in.ok()) K().attention_bwd(a);
  return info.Env().Undefined();
}

// (x, cos, sin, y, n, t, h, d, pos0, interleaved, inverse); cos/sin are [pos0 + t, d/2].
Napi::Value Rope(const Napi::CallbackInfo& info) {
  Args in(info, "rope");
  const int64_t n = in.count(4, "n"), t = in.count(5, "t"), h = in.count(6, "h"), d = in.count(7, "d");
  const int64_t pos0 = in.count(8, "pos0");
  const bool interleaved = in.boolean(9, "interleaved"), inverse = in.boolean(10, "inverse");
  if (in.ok() && d % 2 != 0) in.fail("d must be even");
  const int64_t table = t == 0 ? 0 : (pos0 + t) * (d / 2);
  const float* x = in.f32(0, "x", n * t * h * d);
  const float* cs = in.f32(1, "cos", table);
  const float* sn = in.f32(2, "sin", table);
  float* y = in.f32(3, "y", n * t * h * d);
  if (in.ok()) K().rope(x, cs, sn, y, n, t, h, d, pos0, interleaved, inverse);
  return info.Env().Undefined();
}

// Indices must address rows of the table: checked here because a bad id would read or write
// outside the weight buffer.
bool check_ids(Args& in, const int32_t* idx, int64_t n, int64_t vocab) {
  if (!in.ok()) return false;
  for (int64_t i = 0; i < n; i++)
    if (idx[i] < 0 || idx[i] >= vocab) {
      in.fail("index " + std::to_string(idx[i]) + " at position " + std::to_string(i) +
              " is outside the table (" + std::to_string(vocab) + " rows)");
      return false;
    }
  return true;
}

// (weight, idx, out, n, c)
Napi::Value EmbeddingForward(const Napi::CallbackInfo& info) {
  Args in(info, "embeddingForward");
  const int64_t n = in.count(3, "n"), c = in.count(4, "c");
  const float* w = in.f32(0, "weight", 0);
  const int64_t vocab = c > 0 ? in.length(0) / c : 0;
  const int32_t* idx = in.i32(1, "idx", n);
  float* out = in.f32(2, "out", n * c);
  if (c > 0 && check_ids(in, idx, n, vocab)) K().embedding_fwd(w, idx, out, n, c);
  return info.Env().Undefined();
}

// (gOut, idx, gWeight (zeroed), n, c)
Napi::Value EmbeddingBackward(const Napi::CallbackInfo& info) {
  Args in(info, "embeddingBackward");
  const int64_t n = in.count(3, "n"), c = in.count(4, "c");
  const float* g = in.f32(0, "gOut", n * c);
  const int32_t* idx = in.i32(1, "idx", n);
  float* gw = in.f32(2, "gWeight", 0);
  const int64_t vocab = c > 0 ? in.length(2) / c : 0;
  if (c > 0 && check_ids(in, idx, n, vocab)) K().embedding_bwd(g, idx, gw, n, c);
  return info.Env().Undefined();
}

// (param, grad, m, v, lr, beta1, beta2, eps, weightDecay, biasCorrection1, biasCorrection2,
//  gradScale); updates param, m, v in place over param.length elements.
Napi::Value AdamW(const Napi::CallbackInfo& info) {
  Args in(info, "adamw");
  AdamWArgs a;
  a.n = in.length(0);
  a.param = in.f32(0, "param", 0);
  a.grad = in.f32(1, "grad", a.n);
  a.m = in.f32(2, "m", a.n);
  a.v = in.f32(3, "v", a.n);
  a.lr = in.number(4, "lr");
  a.beta1 = in.number(5, "beta1");
  a.beta2 = in.number(6, "beta2");
  a.eps = in.number(7, "eps");
  a.weight_decay = in.number(8, "weightDecay");
  a.bias_correction1 = in.number(9, "biasCorrection1");
  a.bias_correction2 = in.number(10, "biasCorrection2");
  a.grad_scale = static_cast<float>(in.number(11, "gradScale"));
  if (in.ok()) K().adamw(a);
  return info.Env().Undefined();
}

}  // namespace

void register_fused(Napi::Env env, Napi::Object exports) {
  const struct { const char* name; Fn fn; } fns[] = {
      {"layerNormForward", LayerNormForward}, {"layerNormBackward", LayerNormBackward},
      {"rmsNormForward", RmsNormForward}, {"rmsNormBackward", RmsNormBackward},
      {"softmaxForward", SoftmaxForward}, {"softmaxBackward", SoftmaxBackward},
      {"logSumExp", LogSumExp}, {"crossEntropyForward", CrossEntropyForward},
      {"crossEntropyBackward", CrossEntropyBackward}, {"attentionForward", AttentionForward},
      {"attentionBackward", AttentionBackward}, {"rope", Rope},
      {"embeddingForward", EmbeddingForward}, {"embeddingBackward", EmbeddingBackward},
      {"adamw", AdamW},
  };
  for (const auto& f : fns) exports.Set(f.name, Napi::Function::New(env, f.fn, f.name));
}

}  // namespace fathom

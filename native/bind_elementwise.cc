// N-API bindings for the elementwise, reduction and layout kernels. Op codes are the enums of
// native/kernels.h, mirrored in src/tensor/native/ops.ts (checked at load through opCodes()).
#include "args.h"
#include "kernels.h"

namespace fathom {
namespace {

// spec = Float64Array [nd, dims[4], sa[4], sb[4]] (+ sc[4] for where): a collapsed broadcast.
bool read_broadcast(Args& in, size_t i, Broadcast& bc, int64_t* sc, int64_t* out_len,
                    int64_t* a_len, int64_t* b_len, int64_t* c_len) {
  const double* s = in.f64(i, "spec", sc ? 17 : 13);
  if (!s) return false;
  bc.nd = static_cast<int>(s[0]);
  if (bc.nd < 1 || bc.nd > 4) {
    in.fail("spec: nd must be 1..4");
    return false;
  }
  *out_len = 1;
  int64_t la = 1, lb = 1, lc = 1;
  for (int d = 0; d < bc.nd; d++) {
    bc.dims[d] = static_cast<int64_t>(s[1 + d]);
    bc.sa[d] = static_cast<int64_t>(s[5 + d]);
    bc.sb[d] = static_cast<int64_t>(s[9 + d]);
    if (sc) sc[d] = static_cast<int64_t>(s[13 + d]);
    if (bc.dims[d] < 0 || bc.sa[d] < 0 || bc.sb[d] < 0 || (sc && sc[d] < 0)) {
      in.fail("spec: negative size or stride");
      return false;
    }
    *out_len *= bc.dims[d];
    // The last element each operand reaches, +1.
    la += (bc.dims[d] - 1) * bc.sa[d];
    lb += (bc.dims[d] - 1) * bc.sb[d];
    if (sc) lc += (bc.dims[d] - 1) * sc[d];
  }
  const int last = bc.nd - 1;
  if (bc.sa[last] > 1 || bc.sb[last] > 1 || (sc && sc[last] > 1)) {
    in.fail("spec: the innermost stride must be 0 or 1");
    return false;
  }
  *a_len = *out_len == 0 ? 0 : la;
  *b_len = *out_len == 0 ? 0 : lb;
  if (c_len) *c_len = *out_len == 0 ? 0 : lc;
  return true;
}

// (op, a, b, out, spec)
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Args in(info, "binary");
  const int64_t op = in.count(0, "op");
  Broadcast bc;
  int64_t n = 0, la = 0, lb = 0;
  if (!read_broadcast(in, 4, bc, nullptr, &n, &la, &lb, nullptr)) return info.Env().Undefined();
  if (op >= kBinaryOpCount) in.fail("unknown binary op " + std::to_string(op));
  const float* a = in.f32(1, "a", la);
  const float* b = in.f32(2, "b", lb);
  float* out = in.f32(3, "out", n);
  if (in.ok()) K().binary(static_cast<int>(op), a, b, out, bc);
  return info.Env().Undefined();
}

// (cond, a, b, out, spec17)
Napi::Value Where(const Napi::CallbackInfo& info) {
  Args in(info, "where");
  Broadcast bc;
  int64_t sc[4] = {0, 0, 0, 0};
  int64_t n = 0, la = 0, lb = 0, lc = 0;
  if (!read_broadcast(in, 4, bc, sc, &n, &la, &lb, &lc)) return info.Env().Undefined();
  const float* cond = in.f32(0, "cond", lc);
  const float* a = in.f32(1, "a", la);
  const float* b = in.f32(2, "b", lb);
  float* out = in.f32(3, "out", n);
  if (in.ok()) K().where(cond, a, b, out, bc, sc);
  return info.Env().Undefined();
}

// (op, x, out, param): out gets x.length elements.
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Args in(info, "unary");
  const int64_t op = in.count(0, "op");
  const int64_t n = in.length(1);
  const float* x = in.f32(1, "x", 0);
  float* y = in.f32(2, "out", n);
  const float p = static_cast<float>(in.number(3, "param"));
  if (in.ok() && op >= kUnaryOpCount) in.fail("unknown unary op " + std::to_string(op));
  if (in.ok()) K().unary(static_cast<int>(op), x, y, n, p);
  return info.Env().Undefined();
}

// (op, x | null, y | null, gy, gx, param): gx = gy · op'(x), from x and/or y = op(x).
Napi::Value UnaryBackward(const Napi::CallbackInfo& info) {
  Args in(info, "unaryBackward");
  const int64_t op = in.count(0, "op");
  const int64_t n = in.length(3);
  const float* x = in.f32(1, "x", n, true);
  const float* y = in.f32(2, "y", n, true);
  const float* gy = in.f32(3, "gy", n);
  float* gx = in.f32(4, "gx", n);
  const float p = static_cast<float>(in.number(5, "param"));
  if (in.ok() && op >= kUnaryOpCount) in.fail("unknown unary op " + std::to_string(op));
  // Which of x / y each rule reads (y-based rules: exp, sqrt, rsqrt, tanh, sigmoid, reciprocal).
  const bool needs_y = op == kExp || op == kSqrt || op == kRsqrt || op == kTanh || op == kSigmoid || op == kReciprocal;
  const bool needs_x = !needs_y && op != kNeg && op != kScale && op != kAddScalar;
  if (n == 0) return info.Env().Undefined();  // empty arrays may have null data pointers
  if (in.ok() && needs_y && !y) in.fail("this op's backward needs y (the forward output)");
  if (in.ok() && needs_x && !x) in.fail("this op's backward needs x (the forward input)");
  if (in.ok()) K().unary_backward(static_cast<int>(op), x, y, gy, gx, n, p);
  return info.Env().Undefined();
}

// (op, x, out, outer, mid, inner)
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Args in(info, "reduce");
  const int64_t op = in.count(0, "op");
  const int64_t outer = in.count(3, "outer"), mid = in.count(4, "mid"), inner = in.count(5, "inner");
  const float* x = in.f32(1, "x", outer * mid * inner);
  float* out = in.f32(2, "out", outer * inner);
  if (in.ok() && op >= kReduceOpCount) in.fail("unknown reduce op " + std::to_string(op));
  if (in.ok()) K().reduce(static_cast<int>(op), x, out, outer, mid, inner);
  return info.Env().Undefined();
}

// (x, out, outer, mid, inner)
Napi::Value Argmax(const Napi::CallbackInfo& info) {
  Args in(info, "argmax");
  const int64_t outer = in.count(2, "outer"), mid = in.count(3, "mid"), inner = in.count(4, "inner");
  const float* x = in.f32(0, "x", outer * mid * inner);
  float* out = in.f32(1, "out", outer * inner);
  if (in.ok() && mid == 0 && outer * inner > 0) in.fail("argmax over an empty axis");
  if (in.ok()) K().argmax(x, out, outer, mid, inner);
  return info.Env().Undefined();
}

Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  Args in(info, "sumSquares");
  const int64_t n = in.length(0);
  const float* x = in.f32(0, "x", 0);
  if (!in.ok()) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), K().sum_squares(x, n));
}

// (x, out, shape: Float64Array, perm: Int32Array)
Napi::Value Permute(const Napi::CallbackInfo& info) {
  Args in(info, "permute");
  const int64_t nd = in.length(2);
  if (in.ok() && (nd < 1 || nd > 8 || in.length(3) != nd)) in.fail("shape and perm must have the same length, 1..8");
  const double* shape_d = in.f64(2, "shape", nd);
  const int32_t* perm = in.i32(3, "perm", nd);
  if (!in.ok()) return info.Env().Undefined();
  int64_t shape[8];
  int p[8];
  int64_t total = 1;
  bool seen[8] = {false};
  for (int64_t d = 0; d < nd; d++) {
    shape[d] = static_cast<int64_t>(shape_d[d]);
    p[d] = perm[d];
    if (shape[d] < 0 || p[d] < 0 || p[d] >= nd || seen[p[d]]) {
      in.fail("perm must be a permutation of 0..nd-1 and sizes non-negative");
      return info.Env().Undefined();
    }
    seen[p[d]] = true;
    total *= shape[d];
  }
  const float* x = in.f32(0, "x", total);
  float* y = in.f32(1, "out", total);
  if (in.ok()) K().permute(x, y, static_cast<int>(nd), shape, p);
  return info.Env().Undefined();
}

// (src, srcOffset, dst, dstOffset, shape: Float64Array, srcStrides: Float64Array, dstStrides: Float64Array)
Napi::Value CopyStrided(const Napi::CallbackInfo& info) {
  Args in(info, "copyStrided");
  const int64_t nd = in.length(4);
  if (in.ok() && (nd < 1 || nd > 8 || in.length(5) != nd || in.length(6) != nd)) in.fail("shape and strides must have the same length, 1..8");
  const int64_t src_off = in.count(1, "srcOffset"), dst_off = in.count(3, "dstOffset");
  const double* sh = in.f64(4, "shape", nd);
  const double* ss = in.f64(5, "srcStrides", nd);
  const double* ds = in.f64(6, "dstStrides", nd);
  if (!in.ok()) return info.Env().Undefined();
  int64_t shape[8], sst[8], dst_st[8];
  int64_t src_reach = 1, dst_reach = 1;
  bool empty = false;
  for (int64_t d = 0; d < nd; d++) {
    shape[d] = static_cast<int64_t>(sh[d]);
    sst[d] = static_cast<int64_t>(ss[d]);
    dst_st[d] = static_cast<int64_t>(ds[d]);
    if (shape[d] < 0 || sst[d] < 0 || dst_st[d] < 0) {
      in.fail("sizes and strides must be non-negative");
      return info.Env().Undefined();
    }
    if (shape[d] == 0) empty = true;
    src_reach += (shape[d] - 1) * sst[d];
    dst_reach += (shape[d] - 1) * dst_st[d];
  }
  const float* src = in.f32(0, "src", empty ? 0 : src_off + src_reach);
  float* dst = in.f32(2, "dst", empty ? 0 : dst_off + dst_reach);
  if (in.ok() && !empty) K().copy_strided(src + src_off, dst + dst_off, static_cast<int>(nd), shape, sst, dst_st);
  return info.Env().Undefined();
}

// (dst, value): every element of dst.
Napi::Value Fill(const Napi::CallbackInfo& info) {
  Args in(info, "fill");
  const int64_t n = in.length(0);
  float* dst = in.f32(0, "dst", 0);
  const float v = static_cast<float>(in.number(1, "value"));
  if (in.ok() && n > 0) K().fill(dst, n, v);
  return info.Env().Undefined();
}

}  // namespace

void register_elementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("binary", Napi::Function::New(env, Binary, "binary"));
  exports.Set("where", Napi::Function::New(env, Where, "where"));
  exports.Set("unary", Napi::Function::New(env, Unary, "unary"));
  exports.Set("unaryBackward", Napi::Function::New(env, UnaryBackward, "unaryBackward"));
  exports.Set("reduce", Napi::Function::New(env, Reduce, "reduce"));
  exports.Set("argmax", Napi::Function::New(env, Argmax, "argmax"));
  exports.Set("sumSquares", Napi::Function::New(env, SumSquares, "sumSquares"));
  exports.Set("permute", Napi::Function::New(env, Permute, "permute"));
  exports.Set("copyStrided", Napi::Function::New(env, CopyStrided, "copyStrided"));
  exports.Set("fill", Napi::Function::New(env, Fill, "fill"));
}

}  // namespace fathom

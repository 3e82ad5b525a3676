// Argument unpacking for the N-API bindings. The TypeScript side validates shapes and dtypes
// with proper FathomError messages; these checks are the last guard that keeps a wrong call from
// reading or writing outside a buffer (which would crash the process instead of throwing).
// Typed arrays are used in place (zero-copy): Data() already accounts for a view's byteOffset.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>

namespace fathom {

class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* fn) : info_(info), fn_(fn) {}
  bool ok() const { return ok_; }
  Napi::Env env() const { return info_.Env(); }

  // Throws (once) a TypeError naming the function; later calls are ignored.
  void fail(const std::string& msg) {
    if (!ok_) return;
    ok_ = false;
    Napi::TypeError::New(info_.Env(), std::string("fathom_native.") + fn_ + ": " + msg)
        .ThrowAsJavaScriptException();
  }

  // A Float32Array with at least min_len elements; null/undefined → nullptr when optional.
  float* f32(size_t i, const char* name, int64_t min_len, bool optional = false) {
    return typed<float>(i, name, min_len, optional, napi_float32_array, "Float32Array");
  }
  int32_t* i32(size_t i, const char* name, int64_t min_len, bool optional = false) {
    return typed<int32_t>(i, name, min_len, optional, napi_int32_array, "Int32Array");
  }
  const double* f64(size_t i, const char* name, int64_t min_len) {
    return typed<double>(i, name, min_len, false, napi_float64_array, "Float64Array");
  }
  // Element count of a typed array argument (0 when it is missing).
  int64_t length(size_t i) const {
    if (i >= info_.Length() || !info_[i].IsTypedArray()) return 0;
    return static_cast<int64_t>(info_[i].As<Napi::TypedArray>().ElementLength());
  }
  double number(size_t i, const char* name) {
    if (!ok_) return 0;
    if (i >= info_.Length() || !info_[i].IsNumber()) {
      fail(std::string("argument ") + name + " must be a number");
      return 0;
    }
    return info_[i].As<Napi::Number>().DoubleValue();
  }
  // A non-negative integer (counts, sizes, strides).
  int64_t count(size_t i, const char* name) {
    const double v = number(i, name);
    if (ok_ && (v < 0 || v != static_cast<double>(static_cast<int64_t>(v)))) {
      fail(std::string("argument ") + name + " must be a non-negative integer, got " + std::to_string(v));
      return 0;
    }
    return static_cast<int64_t>(v);
  }
  bool boolean(size_t i, const char* name) {
    if (!ok_) return false;
    if (i >= info_.Length() || !info_[i].IsBoolean()) {
      fail(std::string("argument ") + name + " must be a boolean");
      return false;
    }
    return info_[i].As<Napi::Boolean>().Value();
  }
  std::string string(size_t i, const char* name) {
    if (!ok_) return "";
    if (i >= info_.Length() || !info_[i].IsString()) {
      fail(std::string("argument ") + name + " must be a string");
      return "";
    }
    return info_[i].As<Napi::String>().Utf8Value();
  }

 private:
  template <class T>
  T* typed(size_t i, const char* name, int64_t min_len, bool optional, napi_typedarray_type type,
           const char* type_name) {
    if (!ok_) return nullptr;
    if (i >= info_.Length() || info_[i].IsNull() || info_[i].IsUndefined()) {
      if (!optional) fail(std::string("argument ") + name + " must be a " + type_name);
      return nullptr;
    }
    if (!info_[i].IsTypedArray() || info_[i].As<Napi::TypedArray>().TypedArrayType() != type) {
      fail(std::string("argument ") + name + " must be a " + type_name);
      return nullptr;
    }
    Napi::TypedArrayOf<T> arr = info_[i].As<Napi::TypedArrayOf<T>>();
    if (static_cast<int64_t>(arr.ElementLength()) < min_len) {
      fail(std::string("argument ") + name + " has " + std::to_string(arr.ElementLength()) +
           " elements, needs at least " + std::to_string(min_len));
      return nullptr;
    }
    return arr.Data();
  }

  const Napi::CallbackInfo& info_;
  const char* fn_;
  bool ok_ = true;
};

// Elements spanned by a row-major matrix view of `rows` rows of `cols` with leading dim `ld`.
inline int64_t span(int64_t rows, int64_t cols, int64_t ld) {
  return rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
}

void register_gemm(Napi::Env env, Napi::Object exports);
void register_elementwise(Napi::Env env, Napi::Object exports);
void register_fused(Napi::Env env, Napi::Object exports);

}  // namespace fathom

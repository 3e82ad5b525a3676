// The plain data types shared by tensors, kernels and backends. Kernels see only these (never a
// `Tensor` and never autograd), which is what lets a C++ backend implement them.

/** Floating-point element types. Every differentiable tensor is one of these. */
export type DType = 'float32' | 'float64';

/** Contiguous row-major storage of a float tensor. */
export type FloatArray = Float32Array | Float64Array;

/**
 * What a kernel receives and returns: a shape, a dtype and contiguous row-major data whose
 * length is the product of the shape (a scalar has shape [] and one element). `Tensor`
 * implements this interface, so tensors are passed to kernels without wrapping.
 */
export interface TensorData {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: FloatArray;
}

/**
 * Integer index data (token ids, class targets, gather indices). Indices are never
 * differentiable, so they travel in an op's attributes, not among its float inputs; they are
 * stored in an `Int32Array` (row-major, length = product of shape). See `IndexTensor` in
 * `index-tensor.ts` for the user-facing class; kernels see this interface.
 */
export interface IndexData {
  readonly shape: readonly number[];
  readonly data: Int32Array;
}

/** The typed-array constructor for a dtype. */
export function arrayType(dtype: DType): Float32ArrayConstructor | Float64ArrayConstructor {
  return dtype === 'float32' ? Float32Array : Float64Array;
}

/** A zero-filled array of `n` elements of `dtype`. */
export function allocate(dtype: DType, n: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

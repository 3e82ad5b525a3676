// Op codes of the C++ kernels (the enums in native/kernels.h), mirrored here; native tests check
// the two against each other through the addon's opCodes().
export const BinaryOp = { add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, eq: 7, gt: 8 } as const;
export const BINARY_OP_COUNT = 9;

export const UnaryOp = {
  neg: 0, exp: 1, log: 2, sqrt: 3, rsqrt: 4, abs: 5, tanh: 6, sigmoid: 7, relu: 8, geluTanh: 9,
  geluErf: 10, silu: 11, square: 12, reciprocal: 13, powScalar: 14, scale: 15, addScalar: 16,
  leakyRelu: 17, sin: 18, cos: 19,
} as const;
export const UNARY_OP_COUNT = 20;

export const ReduceOp = { sum: 0, mean: 1, max: 2, min: 3 } as const;
export const REDUCE_OP_COUNT = 4;

export type BinaryOpName = keyof typeof BinaryOp;
export type UnaryOpName = keyof typeof UnaryOp;

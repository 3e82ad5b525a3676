// Every shape and dtype error a user can hit names the op, the shapes and a hint; these tests
// pin the messages (CONVENTIONS.md 12).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DTypeError, FathomError, ShapeError } from '../../src/errors.js';
import * as F from '../../src/tensor/index.js';
import { indices, setBackend, tensor, zeros } from '../../src/tensor/index.js';

setBackend('reference');

function throwsMessage(fn: () => unknown, type: new (...args: never[]) => Error, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    assert.equal((err as Error).message, message);
    return true;
  });
}

test('matmul shape errors', () => {
  throwsMessage(() => F.matmul(zeros([2, 3]), zeros([4, 5])), ShapeError, "matmul: shapes [2,3] and [4,5] don't align (inner 3 ≠ 4). Hint: transpose the second argument?");
  throwsMessage(() => F.matmul(zeros([2, 3]), zeros([2, 3])), ShapeError, "matmul: shapes [2,3] and [2,3] don't align (inner 3 ≠ 2). Hint: transpose the second argument (transB: true)?");
  throwsMessage(() => F.matmul(zeros([3]), zeros([3, 2])), ShapeError, 'matmul: shapes [3] and [3,2] need at least 2 dimensions each. Hint: reshape a vector to [1, n] or [n, 1]');
  throwsMessage(() => F.matmul(zeros([2, 2, 3]), zeros([3, 3, 4])), ShapeError, "matmul: shapes [2] and [3] don't broadcast (dimension -1 is 2 vs 3). Hint: broadcasting needs equal sizes or 1 in each trailing dimension; reshape one argument");
});

test('broadcast and dtype errors of elementwise ops', () => {
  throwsMessage(() => F.add(zeros([2, 3]), zeros([4])), ShapeError, "add: shapes [2,3] and [4] don't broadcast (dimension -1 is 3 vs 4). Hint: broadcasting needs equal sizes or 1 in each trailing dimension; reshape one argument");
  throwsMessage(() => F.mul(zeros([2]), zeros([2], { dtype: 'float64' })), DTypeError, "mul: dtypes float32 and float64 don't match (shapes [2] and [2]). Hint: cast one argument, e.g. cast(x, 'float32')");
  throwsMessage(() => F.where(zeros([2]), zeros([3]), 0), ShapeError, "where: shapes [2] and [3] don't broadcast (dimension -1 is 2 vs 3). Hint: broadcasting needs equal sizes or 1 in each trailing dimension; reshape one argument");
});

test('layout errors', () => {
  throwsMessage(() => F.reshape(zeros([2, 3]), [4, 2]), ShapeError, "reshape: can't reshape [2,3] (6 elements) into [4,2] (8 elements). Hint: the element counts must match; use -1 to infer one dimension");
  throwsMessage(() => F.reshape(zeros([2, 3]), [-1, 4]), ShapeError, "reshape: can't reshape [2,3] (6 elements) into [-1,4]. Hint: the known dimensions must divide the element count");
  throwsMessage(() => F.permute(zeros([2, 3]), [0, 0]), ShapeError, 'permute: dims [0,0] are not a permutation of the 2 axes of [2,3]. Hint: list each axis 0..1 once');
  throwsMessage(() => F.sum(zeros([2, 3]), 2), ShapeError, 'sum: axis 2 is out of range for a tensor of rank 2 (shape [2,3]). Hint: use an axis in [-2, 1]');
  throwsMessage(() => F.concat([zeros([2, 3]), zeros([2, 4])], 0), ShapeError, 'concat: shapes [2,3], [2,4] differ outside axis 0. Hint: all dimensions except the concatenation axis must match');
  throwsMessage(() => F.stack([zeros([2]), zeros([3])]), ShapeError, 'stack: shapes [2], [3] differ. Hint: stack needs tensors of one shape; use concat to join along an existing axis');
  throwsMessage(() => F.split(zeros([5]), 2), ShapeError, "split: axis -1 of shape [5] (size 5) doesn't split into 2 equal parts. Hint: pass explicit sizes");
  throwsMessage(() => F.split(zeros([5]), [2, 2]), ShapeError, "split: sizes [2,2] don't add up to 5 (axis -1 of [5]). Hint: the sizes must be non-negative and sum to the axis length");
  throwsMessage(() => F.broadcastTo(zeros([3]), [3, 2]), ShapeError, "broadcastTo: shapes [3] and [3,2] don't broadcast (dimension -1 is 3 vs 2). Hint: broadcasting needs equal sizes or 1 in each trailing dimension; reshape one argument");
  throwsMessage(() => tensor(new Float32Array(5), [2, 3]), ShapeError, 'Tensor: data has 5 elements but shape [2,3] needs 6. Hint: pass data whose length is the product of the shape');
  throwsMessage(() => zeros([2]).item(), ShapeError, 'item: tensor of shape [2] has 2 elements, not 1. Hint: reduce it first, e.g. with sum() or mean()');
  throwsMessage(() => F.max(zeros([0, 2]), 0), FathomError, 'max: axis 0 of shape [0,2] is empty. Hint: max over zero elements is undefined; check the shape');
});

test('indexing and loss errors', () => {
  throwsMessage(() => F.embedding(zeros([4, 2]), indices([1, 4])), ShapeError, 'embedding: id 4 at position 1 is out of range [0, 4). Hint: ids must be below 4');
  throwsMessage(() => F.gather(zeros([2, 3]), 1, indices([1, 2])), ShapeError, "gather: index shape [2] doesn't fit input shape [2,3] on axis 1. Hint: the index needs the input's rank and no larger size on the other axes");
  throwsMessage(() => F.crossEntropy(zeros([3, 5]), indices([0, 1])), ShapeError, "crossEntropy: logits [3,5] and targets [2] don't match. Hint: targets have the logits' shape without the last (class) axis");
  throwsMessage(() => F.crossEntropy(zeros([2, 5]), indices([0, 7])), ShapeError, 'crossEntropy: target 7 at position 1 is out of range [0, 5). Hint: targets must be below 5 or equal -100');
  throwsMessage(() => F.crossEntropy(zeros([2, 5]), indices([0, 1]), { weights: zeros([3]) }), ShapeError, 'crossEntropy: weights [3] and targets [2] differ. Hint: pass one weight per target position');
});

test('fused op errors', () => {
  throwsMessage(() => F.layerNorm(zeros([2, 4]), zeros([3])), ShapeError, 'layerNorm: weight has shape [3] but the input [2,4] has 4 features. Hint: the weight is a vector [4] over the last axis');
  throwsMessage(() => F.rmsNorm(zeros([2, 4]), zeros([4, 1])), ShapeError, 'rmsNorm: weight has shape [4,1] but the input [2,4] has 4 features. Hint: the weight is a vector [4] over the last axis');
  throwsMessage(() => F.attention(zeros([1, 2, 3, 4]), zeros([1, 2, 3, 5]), zeros([1, 2, 3, 5])), ShapeError, "attention: q [1,2,3,4], k [1,2,3,5], v [1,2,3,5] don't match. Hint: q, k and v need the same batch and head size, and k and v the same shape");
  throwsMessage(() => F.attention(zeros([1, 3, 2, 4]), zeros([1, 2, 2, 4]), zeros([1, 2, 2, 4])), ShapeError, "attention: 3 query heads don't divide into 2 key/value heads (q [1,3,2,4], k [1,2,2,4], v [1,2,2,4]). Hint: the number of query heads must be a multiple of the key/value heads");
  throwsMessage(() => F.attention(zeros([2, 4]), zeros([2, 4]), zeros([2, 4])), ShapeError, 'attention: q [2,4], k [2,4], v [2,4] must all be [B, H, T, D]. Hint: split heads first: reshape [B, T, H·D] → [B, T, H, D] and transpose to [B, H, T, D]');
  throwsMessage(() => F.attention(zeros([1, 1, 2, 4]), zeros([1, 1, 3, 4]), zeros([1, 1, 3, 4]), { mask: zeros([3, 2]) }), ShapeError, "attention: mask [3,2] doesn't fit scores [1,1,2,3]. Hint: pass [2,3] or [1|1,1|1,2,3]");
  throwsMessage(() => F.linear(zeros([2, 3, 4]), zeros([5, 3]), zeros([5])), ShapeError, "linear: input [2,3,4], weight [5,3] and bias [5] don't fit (want [..., in], [out, in] and [out]). Hint: the weight is [out, in] (as torch.nn.Linear) and the bias [out]");
  throwsMessage(() => F.linear(zeros([2, 3]), zeros([5, 3]), zeros([3])), ShapeError, "linear: input [2,3], weight [5,3] and bias [3] don't fit (want [..., in], [out, in] and [out]). Hint: the weight is [out, in] (as torch.nn.Linear) and the bias [out]");
  throwsMessage(() => F.packedAttention(zeros([1, 2, 10]), 2), ShapeError, 'packedAttention: qkv [1,2,10] is not [B, T, 3·heads·D] with 2 heads. Hint: pass the output of one qkv projection of width 3·dim, and heads dividing dim');
  throwsMessage(() => F.packedAttention(zeros([2, 12]), 2), ShapeError, 'packedAttention: qkv [2,12] is not [B, T, 3·heads·D] with 2 heads. Hint: pass the output of one qkv projection of width 3·dim, and heads dividing dim');
  const tables = F.ropeTables(2, 4);
  throwsMessage(() => F.rope(zeros([2, 3]), tables.cos, tables.sin), ShapeError, 'rope: input [2,3] needs rank ≥ 2 and an even last dimension. Hint: rotary embeddings rotate pairs of features; use an even head size');
  throwsMessage(() => F.rope(zeros([3, 4]), tables.cos, tables.sin), ShapeError, "rope: cos table [2,2] doesn't fit input [3,4] (expected [3,2]). Hint: build the tables with ropeTables(T, D, { offset }) for the positions in x");
  throwsMessage(() => F.dropout(zeros([2]), 1, new F.Rng(0)), FathomError, 'dropout: probability 1 is outside [0, 1). Hint: pass 0 ≤ p < 1');
});

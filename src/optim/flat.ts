// One flat buffer for all parameters (and one for their gradients): every parameter's storage
// becomes a view into it, so an optimizer step is a loop (or one native call) over contiguous
// memory, as llm.c's gpt2_update. Parameters are ordered with the weight-decayed group first,
// so each group is one contiguous range.
import { DTypeError, FathomError } from '../errors.js';
import { Tensor, allocate } from '../tensor/index.js';
import type { DType, FloatArray } from '../tensor/index.js';
import type { Parameter } from '../nn/index.js';

export interface ParameterRange {
  readonly name: string;
  readonly param: Parameter;
  readonly offset: number;
  readonly size: number;
  readonly decay: boolean;
}

export class FlatParameters {
  readonly data: FloatArray;
  readonly grad: FloatArray;
  readonly dtype: DType;
  readonly ranges: readonly ParameterRange[];
  /** [start, end) of the decayed group; the no-decay group is [decayEnd, size). */
  readonly decayEnd: number;

  /**
   * Moves `params` (name → parameter) into one buffer. `decay(name, p)` picks the weight-decay
   * group; by default parameters of rank ≥ 2 (matrices, embeddings), as nanoGPT.
   */
  constructor(params: ReadonlyArray<readonly [string, Parameter]>, decay: (name: string, p: Parameter) => boolean = (_, p) => p.ndim >= 2) {
    if (params.length === 0) throw new FathomError('FlatParameters: no parameters given', 'pass model.namedParameters()');
    const seen = new Set<Parameter>();
    const unique = params.filter(([, p]) => (seen.has(p) ? false : (seen.add(p), true)));
    this.dtype = unique[0]![1].dtype;
    for (const [name, p] of unique) {
      if (p.dtype !== this.dtype) throw new DTypeError(`FlatParameters: '${name}' is ${p.dtype} but others are ${this.dtype}`, 'cast all parameters to one dtype');
    }
    const tagged = unique.map(([name, p]) => ({ name, p, decay: decay(name, p) }));
    const ordered = [...tagged.filter((t) => t.decay), ...tagged.filter((t) => !t.decay)];
    const total = ordered.reduce((s, t) => s + t.p.size, 0);
    this.data = allocate(this.dtype, total);
    this.grad = allocate(this.dtype, total);
    const ranges: ParameterRange[] = [];
    let offset = 0;
    let decayEnd = 0;
    for (const { name, p, decay: d } of ordered) {
      const n = p.size;
      const view = this.data.subarray(offset, offset + n);
      view.set(p.data);
      p.data = view;
      const g = this.grad.subarray(offset, offset + n);
      if (p.grad) g.set(p.grad.data);
      p.grad = new Tensor(g, p.shape);
      ranges.push({ name, param: p, offset, size: n, decay: d });
      offset += n;
      if (d) decayEnd = offset;
    }
    this.ranges = ranges;
    this.decayEnd = decayEnd;
  }

  get size(): number {
    return this.data.length;
  }

  /** Zeroes all gradients (one fill). */
  zeroGrad(): void {
    this.grad.fill(0);
  }

  /** Re-attaches gradient views that user code replaced (e.g. set to null); cheap when nothing changed. */
  ensureAttached(): void {
    for (const r of this.ranges) {
      const g = r.param.grad;
      if (!g || g.data.buffer !== this.grad.buffer || g.data.byteOffset !== this.grad.byteOffset + r.offset * this.grad.BYTES_PER_ELEMENT) {
        const view = this.grad.subarray(r.offset, r.offset + r.size);
        if (g) view.set(g.data);
        else view.fill(0);
        r.param.grad = new Tensor(view, r.param.shape);
      }
      if (r.param.data.buffer !== this.data.buffer) {
        throw new FathomError(`FlatParameters: the storage of '${r.name}' was replaced after flattening`, 'update parameters in place (p.data.set(...)) once an optimizer owns them');
      }
    }
  }

  /** Global L2 norm of the gradients. */
  gradNorm(): number {
    let s = 0;
    const g = this.grad;
    for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
    return Math.sqrt(s);
  }
}

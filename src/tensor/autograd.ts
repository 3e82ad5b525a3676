// Reverse-mode automatic differentiation on a tape (micrograd/PyTorch style): every op applied to
// a tensor that requires a gradient records a Node; backward() walks the nodes in reverse
// topological order and applies each op's gradient rule (declared with the op in the registry).
import { DTypeError, FathomError, ShapeError } from '../errors.js';
import { runKernel } from './registry.js';
import type { GradRule, OpSpec } from './registry.js';
import type { OpAttrs, OpName } from './op-attrs.js';
import { fmtShape, sameShape } from './shape.js';
import { Tensor } from './tensor.js';
import { reclaimIfNeeded } from './memory.js';
import { allocationMark, beginBackwardPass, endBackwardPass, isFreshSince, isRecyclable, releaseActivation, releaseBuffer, trackActivations } from './recycle.js';

/** One recorded op application. */
export interface Node {
  readonly op: OpName;
  inputs: Tensor[];
  outputs: Tensor[];
  readonly attrs: unknown;
  readonly rule: GradRule<never>;
  freed: boolean;
}

let gradEnabled = true;

/** Whether ops currently record the tape. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording gradients (inference, optimizer updates, gradient rules). */
export function noGrad<T>(fn: () => T): T {
  const before = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = before;
  }
}

/**
 * Applies a declared op: checks dtypes, dispatches the kernel on the active backend, wraps the
 * outputs as tensors and records a node when any input requires a gradient.
 */
export function apply<N extends OpName>(spec: OpSpec<N>, inputs: readonly Tensor[], attrs: OpAttrs[N]): Tensor[] {
  const n = inputs.length;
  if (n > 1) {
    const dt = inputs[0]!.dtype;
    for (let i = 1; i < n; i++) {
      if (inputs[i]!.dtype !== dt) {
        throw new DTypeError(
          `${spec.name}: dtypes ${inputs.map((x) => x.dtype).join(' and ')} don't match (shapes ${inputs.map((x) => fmtShape(x.shape)).join(' and ')})`,
          `cast one argument, e.g. cast(x, '${dt}')`,
        );
      }
    }
  }
  const mark = allocationMark();
  const raw = runKernel(spec.name, inputs, attrs);
  const outputs = new Array<Tensor>(raw.length);
  for (let i = 0; i < raw.length; i++) outputs[i] = Tensor.fromData(raw[i]!);
  if (gradEnabled && spec.grad) {
    let needs = false;
    for (let i = 0; i < n; i++) if (inputs[i]!.requiresGrad) needs = true;
    if (needs) {
      const node: Node = { op: spec.name, inputs: inputs.slice(), outputs, attrs, rule: spec.grad as GradRule<never>, freed: false };
      for (const o of outputs) {
        o.requiresGrad = true;
        o.node = node;
        if (isFreshSince(o.data, mark)) sharers.set(o.data.buffer, [o]); // o owns its storage
        else sharers.get(o.data.buffer)?.push(o);
      }
      return outputs;
    }
  }
  for (const o of outputs) sharers.get(o.data.buffer)?.push(o); // views of activations made off the tape
  return outputs;
}

/**
 * Every tensor over an activation's storage, by storage: first the tape tensor whose own op
 * allocated it (its owner), then its views and detached copies.
 */
const sharers = new WeakMap<ArrayBufferLike, Tensor[]>();
const ownsStorage = (t: Tensor): boolean => sharers.get(t.data.buffer)?.[0] === t;

function releasedError(t: Tensor, op: string): FathomError {
  return new FathomError(
    `this ${fmtShape(t.shape)} activation (made by '${op}') was freed by backward({ freeActivations: true }), and its storage now holds other data`,
    'read what you need from activations before backward(), or call backward() without freeActivations',
  );
}

/** @internal tensor.ts: `t` shares the storage of its source (detach()). */
export function noteSharer(t: Tensor): void {
  sharers.get(t.data.buffer)?.push(t);
}

/** The op that made each released tensor, for the error (its node is freed by then). */
const releasedBy = new WeakMap<Tensor, string>();
// One getter shared by all released tensors: a closure per tensor would give each its own hidden
// class, and V8's heap grew by 8 MB per 1,000 steps of a tiny model that way.
const releasedData = {
  configurable: true,
  enumerable: true,
  get(this: Tensor): never {
    throw releasedError(this, releasedBy.get(this) ?? 'an op');
  },
};

/** Makes every later read of the data of the tensors over `buffer` throw (it went back to the pool). */
function poisonSharers(buffer: ArrayBufferLike): void {
  for (const t of sharers.get(buffer) ?? []) {
    releasedBy.set(t, t.node?.op ?? 'an op without gradient');
    Object.defineProperty(t, 'data', releasedData);
  }
  sharers.delete(buffer);
}

/** Nodes reachable from `root`, inputs before the nodes that consume them. */
function topoOrder(root: Node): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>([root]);
  // Iterative post-order DFS: deep graphs (long recurrent unrolls) would overflow recursion.
  const stack: Array<{ node: Node; next: number }> = [{ node: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.node.inputs.length) {
      const child = top.node.inputs[top.next++]!.node;
      if (child && !seen.has(child)) {
        if (child.freed) throw freedError();
        seen.add(child);
        stack.push({ node: child, next: 0 });
      }
    } else {
      order.push(top.node);
      stack.pop();
    }
  }
  return order;
}

function freedError(): FathomError {
  return new FathomError('backward: the graph was already freed by an earlier backward()', 'pass { retainGraph: true } to the first backward() to call it twice');
}

function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  if (leaf.grad === null) {
    // Copy: g may share storage with other gradients (add passes dy through unchanged).
    leaf.grad = new Tensor(g.data.slice(), leaf.shape);
    return;
  }
  const dst = leaf.grad.data;
  const src = g.data;
  if (dst.length !== src.length) {
    throw new ShapeError(`backward: gradient of shape ${fmtShape(g.shape)} doesn't fit .grad of shape ${fmtShape(leaf.grad.shape)}`, 'reset .grad to null or a tensor of the parameter\'s shape');
  }
  for (let i = 0; i < dst.length; i++) dst[i]! += src[i]!;
}

/** See `Tensor.backward`. */
export function backward(root: Tensor, seed: Tensor | undefined, retainGraph: boolean, freeActivations = false): void {
  if (freeActivations && retainGraph) {
    throw new FathomError('backward: freeActivations releases the graph\'s storage, so it cannot be combined with retainGraph', 'drop one of the two options');
  }
  if (freeActivations) trackActivations(); // from the next forward pass on (the first frees nothing)
  if (!root.requiresGrad) {
    throw new FathomError('backward: this tensor does not require a gradient', 'mark an input with requireGrad() (or use Parameters) and do not compute it under noGrad()');
  }
  let g0 = seed;
  if (!g0) {
    if (root.size !== 1) throw new ShapeError(`backward: the output has shape ${fmtShape(root.shape)}, not one element`, 'reduce it to a scalar (e.g. mean()) or pass the output gradient');
    g0 = new Tensor(root.dtype === 'float32' ? new Float32Array([1]) : new Float64Array([1]), root.shape);
  } else if (!sameShape(g0.shape, root.shape)) {
    throw new ShapeError(`backward: gradient shape ${fmtShape(g0.shape)} differs from output shape ${fmtShape(root.shape)}`, 'pass a gradient with the output\'s shape');
  }
  const rootNode = root.node;
  if (!rootNode) {
    accumulateLeaf(root, g0);
    return;
  }
  if (rootNode.freed) throw freedError();
  const order = topoOrder(rootNode);
  const grads = new Map<Tensor, Tensor>([[root, g0]]);
  // Gradients that may now be dead; released to the pool (recycle.ts) unless a gradient still
  // held in `grads` shares their storage (add passes dy through; reshape gives a view).
  const dead: Tensor[] = [];
  const release = (): void => {
    for (const t of dead) {
      if (!isRecyclable(t.data)) continue;
      const buffer = t.data.buffer;
      let shared = false;
      for (const held of grads.values()) {
        if (held.data.buffer === buffer) {
          shared = true;
          break;
        }
      }
      if (!shared) releaseBuffer(t.data);
    }
    dead.length = 0;
  };
  // With freeActivations: the activations' storage released so far (poisoned at the end).
  const releasedStorage: ArrayBufferLike[] = [];
  beginBackwardPass();
  try {
    noGrad(() => {
      for (let k = order.length - 1; k >= 0; k--) {
        const node = order[k]!;
        let any = false;
        const outGrads = node.outputs.map((o) => {
          const g = grads.get(o) ?? null;
          grads.delete(o);
          if (g) {
            any = true;
            dead.push(g);
          }
          return g;
        });
        if (!any) continue;
        const needs = node.inputs.map((t) => t.requiresGrad);
        const rule = node.rule as GradRule<unknown>;
        const inGrads = rule(outGrads, { inputs: node.inputs, outputs: node.outputs, attrs: node.attrs, needs });
        for (let i = 0; i < node.inputs.length; i++) {
          const g = inGrads[i];
          const input = node.inputs[i]!;
          if (!g || !needs[i]) continue;
          if (!sameShape(g.shape, input.shape)) {
            throw new ShapeError(`backward: the '${node.op}' rule gave a gradient of shape ${fmtShape(g.shape)} for an input of shape ${fmtShape(input.shape)}`, 'this is a bug in the gradient rule; please report it');
          }
          if (input.node === null) {
            accumulateLeaf(input, g);
            dead.push(g);
          } else {
            const prev = grads.get(input);
            if (prev) {
              grads.set(input, Tensor.fromData(runKernel('add', [prev, g], {})[0]!));
              dead.push(prev, g);
            } else grads.set(input, g);
          }
        }
        if (!retainGraph) {
          if (freeActivations) {
            // Every node that reads this node's outputs (views included) comes later in
            // topological order, so it has run: the storage is free once this rule has.
            for (const o of node.outputs) {
              if (ownsStorage(o) && o.data.buffer !== root.data.buffer && releaseActivation(o.data)) releasedStorage.push(o.data.buffer);
            }
          }
          node.freed = true;
          node.inputs = [];
          node.outputs = [];
        }
        release();
      }
    });
  } finally {
    endBackwardPass();
    for (const buffer of releasedStorage) poisonSharers(buffer);
  }
  reclaimIfNeeded();
}

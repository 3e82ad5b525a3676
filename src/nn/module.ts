// Module and Parameter, after PyTorch's nn.Module: a module's parameters and submodules are its
// own fields, discovered in declaration order, so names are stable dotted paths such as
// `blocks.0.attn.qkv.weight` (the names checkpoints and optimizers key on).
import { FathomError, ShapeError } from '../errors.js';
import { Tensor } from '../tensor/index.js';
import type { FloatArray } from '../tensor/index.js';

/** A trainable tensor: a leaf that requires a gradient. Optimizers may rebind its storage to a view of one flat buffer. */
export class Parameter extends Tensor {
  constructor(data: FloatArray | Tensor, shape?: readonly number[]) {
    if (data instanceof Tensor) super(data.data, data.shape);
    else super(data, shape ?? [data.length]);
    this.requiresGrad = true;
  }
}

export abstract class Module {
  /** Train mode (dropout active) or eval mode. */
  training = true;

  /** Own fields that are parameters, modules or arrays of modules, in declaration order. */
  private *children(): Generator<[string, Parameter | Module]> {
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Parameter || value instanceof Module) yield [key, value];
      else if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item instanceof Module || item instanceof Parameter) yield [`${key}.${i}`, item];
        }
      }
    }
  }

  /** Every parameter with its dotted name; a parameter shared by two fields (tied weights) appears once, under its first name. */
  namedParameters(prefix = ''): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = [];
    const seen = new Set<Parameter>();
    const walk = (m: Module, pre: string): void => {
      for (const [key, value] of m.children()) {
        const name = pre ? `${pre}.${key}` : key;
        if (value instanceof Parameter) {
          if (!seen.has(value)) {
            seen.add(value);
            out.push([name, value]);
          }
        } else walk(value, name);
      }
    };
    walk(this, prefix);
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Submodules with dotted names (this module is ''). */
  namedModules(prefix = ''): Array<[string, Module]> {
    const out: Array<[string, Module]> = [[prefix, this]];
    for (const [key, value] of this.children()) {
      if (value instanceof Module) out.push(...value.namedModules(prefix ? `${prefix}.${key}` : key));
    }
    return out;
  }

  /** Total number of parameter elements. */
  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }

  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Zeroes every accumulated gradient, keeping gradient storage (so flat optimizer buffers stay attached). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Parameter values by name (views, not copies). */
  stateDict(): Map<string, Tensor> {
    return new Map(this.namedParameters());
  }

  /** Copies values into the parameters by name; unknown or missing names, and shape mismatches, are errors. */
  loadStateDict(state: ReadonlyMap<string, { shape: readonly number[]; data: ArrayLike<number> }>, options: { strict?: boolean } = {}): void {
    const own = new Map(this.namedParameters());
    if (options.strict ?? true) {
      const unknown = [...state.keys()].filter((k) => !own.has(k));
      const missing = [...own.keys()].filter((k) => !state.has(k));
      if (unknown.length > 0 || missing.length > 0) {
        throw new FathomError(
          `loadStateDict: ${unknown.length} unknown name(s) [${unknown.slice(0, 5).join(', ')}] and ${missing.length} missing [${missing.slice(0, 5).join(', ')}]`,
          'check the names against namedParameters(), or pass { strict: false }',
        );
      }
    }
    for (const [name, value] of state) {
      const p = own.get(name);
      if (!p) continue;
      if (value.shape.join() !== p.shape.join()) {
        throw new ShapeError(`loadStateDict: '${name}' has shape [${value.shape.join(',')}] but the parameter is [${p.shape.join(',')}]`, 'load weights made for the same configuration');
      }
      p.data.set(value.data);
    }
  }
}

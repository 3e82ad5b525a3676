// Loads the native backend module (src/tensor/native/index.ts, written separately) if it is
// present. That module registers its kernels and calls registerBackend({ name: 'native', ... });
// if it is missing or throws, fathom stays on the reference backend and records why.
import { registerBackend } from './registry.js';

let attempted = false;

export async function loadNativeBackend(): Promise<void> {
  if (attempted) return;
  attempted = true;
  // A computed specifier: the native binding is optional, so its absence must not break type-checking.
  const specifier = './native/index.js';
  try {
    await import(specifier);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const missing = code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes('native/index');
    const reason = missing ? 'the native binding (src/tensor/native) is not present' : `the native binding failed to load: ${(err as Error).message}`;
    registerBackend({ name: 'native', available: false, reason });
  }
}

// The native backend: loads the C++ addon and, when it loaded, registers its kernels with the op
// registry and declares the 'native' backend available; otherwise declares it unavailable with
// the reason (and the fix) for `fathom doctor`. Imported by src/tensor/load-native.ts.
import { registerHeapTrim } from '../memory.js';
import { registerBackend } from '../registry.js';
import { nativeAddon, nativeStatus } from './addon.js';
import { registerElementwise } from './kernels-elementwise.js';
import { registerFused } from './kernels-fused.js';
import { registerLayout } from './kernels-layout.js';
import { registerMatmul } from './kernels-matmul.js';
import { registerReductions } from './kernels-reduce.js';
import { mallocTuned } from './util.js';

export { nativeStatus, nativeAddon, requireNative, setNativeThreads } from './addon.js';
export type { NativeAddon, NativeInfo, NativeStatus } from './addon.js';

const addon = nativeAddon();
if (addon) {
  registerElementwise(addon);
  registerReductions(addon);
  registerLayout(addon);
  registerMatmul(addon);
  registerFused(addon);
  // Whichever backend runs, tensor storage lives in the C heap; trimming it keeps the resident set
  // flat (src/tensor/memory.ts). Once large blocks are deliberately kept (tuneMalloc), it would
  // only bring back the page faults that tuning removed.
  registerHeapTrim(() => !mallocTuned() && addon.trimHeap());
  const info = addon.info();
  registerBackend({
    name: 'native',
    available: true,
    reason: `C++ addon: GEMM via ${info.blas}, ${info.isa} kernels, ${info.threads} threads`,
    detail: { ...info },
  });
} else {
  registerBackend({ name: 'native', available: false, reason: nativeStatus().reason ?? 'the native addon did not load' });
}

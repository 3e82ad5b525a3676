// fathom/memorization: how much of its training data a language model reproduces verbatim
// (shared/papers/08-axonn.md): the extraction metrics, the probe, and the `goldfish` reproduce
// experiment (standard loss vs Goldfish loss), registered from ./experiment.js.
export { lcsLength, rougeL, exactMatch, matchedPrefix } from './metrics.js';
export type { RougeL } from './metrics.js';
export { probeMemorization, resolvePrefix, sampleWindows, PROBE_DEFAULTS } from './probe.js';
export type { ProbeOptions, ProbeResult, SequenceExtraction } from './probe.js';

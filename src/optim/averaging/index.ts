// fathom/optim/averaging: weight averagers (EMA, LAWA, SWA) kept outside the optimizer.
export { registerAverager, registeredAveragers, createAverager, encodeAveragerState, decodeAveragerState } from './averager.js';
export type { Averager, AveragerSpec, AveragerState, EncodedAveragerState } from './averager.js';
export { EMA } from './ema.js';
export { LAWA } from './lawa.js';
export { SWA } from './swa.js';
export { withWeights } from './swap.js';

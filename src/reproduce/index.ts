// Reproduction experiments: the registry, and the experiments that systems have registered.
export { registerExperiment, registeredExperiments } from './registry.js';
export type { Budget, Comparison, Experiment, ExperimentContext, ExperimentResult } from './registry.js';
import '../eval/experiment.js';
import '../parallel/experiment.js';
import '../train/experiment.js';
import '../refute/experiment.js';
import '../forecast/experiment.js';
import '../redteam/experiment.js';
import '../memorization/experiment.js';

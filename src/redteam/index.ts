// fathom/redteam: attacks (direct, PAIR, TAP, Crescendo), in-loop judge and final classifier,
// attacker × target matrices with ASR metrics, and the capability-gap scaling law
// (arXiv:2505.20162). Ships only benign canary behaviors.
import './sim.js';

export { ATTACK_DEFAULTS, getAttack, parseAttackerJson, registerAttack, registeredAttacks } from './attacks.js';
export type { Attack, AttackContext, AttackOptions, Attempt } from './attacks.js';
export { CANARY_PATH, behaviorSchema, loadBehaviors } from './behaviors.js';
export type { Behavior } from './behaviors.js';
export { capabilityOf, loadCapabilities } from './capability.js';
export type { Capabilities } from './capability.js';
export { ASR_CLIP, GAP_KINDS, bestOverAttacks, capabilityGap, fitScalingLaws, lawCurve, logit, nonNegativeLeastSquares, predictAsr, sigmoid } from './fit.js';
export type { FitOptions, GapKind, PairResult, Prediction, TargetLaw } from './fit.js';
export { classifyResponse, conditionLine, fill, onTopic, parseScore, parseYesNo, readPrompt, scoreResponse } from './judges.js';
export type { ClassVerdict, RoleModel, ScoreVerdict } from './judges.js';
export { cellMetrics, hitAtK, judgeAgreement, outcomeOf } from './metrics.js';
export type { AttackItem, BehaviorOutcome, CellMetrics } from './metrics.js';
export { itemId, redteamConfigSchema, resumeRedteam, startRedteam, summarizeRedteam } from './matrix.js';
export type { MatrixOutcome, RedteamConfig, RedteamHooks, RedteamSummary } from './matrix.js';
export { DEVICES, SAFETY_MARGIN, SIM_PROVIDERS, simCapability, simProvider, simRespond } from './sim.js';
export type { SimRole } from './sim.js';

// The run store's public face: runs, metrics, eval items and artifacts in one SQLite file per workspace.
export { Store, Run, resolveWorkspace } from './store.js';
export type { RunStatus, RunRecord, MetricRecord, ItemRecord, ArtifactRecord } from './store.js';
export { exportRows, formatRows, csvCell } from './export.js';
export type { ExportFormat, ExportTable } from './export.js';
export { SCHEMA_VERSION } from './schema.js';

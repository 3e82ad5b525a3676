// fathom's library entry point. Each system also has its own subpath export (`fathom/store`,
// `fathom/report`, `fathom/tensor`, ...), which is the preferred way to import one system.
export * from './errors.js';
export { VERSION } from './version.js';

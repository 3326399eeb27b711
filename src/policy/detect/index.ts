/**
 * Detection: built-in PII and secret detectors, custom RE2 detectors, and the scanner that runs them.
 * This is the module's public surface; everything else in the folder is an implementation detail.
 */
export type { Detector, EntityName, Finding, ScanHints, Scanner } from './types.js';
export { BUILTIN_ENTITIES, builtinDetectors, isBuiltinEntity } from './builtin.js';
export { compileCustomDetector, CONTEXT_WINDOW } from './custom.js';
export type { CompileDetectorResult, CustomDetectorSpec } from './custom.js';
export { createScanner } from './find.js';
export type { ScannerOptions } from './find.js';

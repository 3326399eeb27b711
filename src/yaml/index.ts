export { formatDiagnostic, formatPath, type Diagnostic, type Severity } from './diagnostic.js';
export { locate, locateKey, type Anchor, type Position } from './locate.js';
export {
  parseYamlWithSchema,
  type DiagnosticOptions,
  type ParseOptions,
  type ParseYamlResult,
  type ParsedYaml,
  type ScalarTransform,
} from './parse.js';
export { expandEnvTransform } from './env.js';
export { expectedKeysAt } from './schema-keys.js';

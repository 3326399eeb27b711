/**
 * The policy module's public surface: load/compile a policy, validate files for the CLI, run golden
 * fixtures. The engine itself is reached through CompiledPolicy.process (types.ts).
 */
export { compilePolicy, type CompileOptions, type CompileResult, type PolicyIssue, type PolicySource } from './compile.js';
export { loadPolicy, validatePolicyPaths, type LoadResult } from './load.js';
export { runFixtures, formatFixtureReport, diffLines, type FixtureCaseResult, type FixtureMismatch, type FixtureRunResult } from './fixtures.js';
export {
  InMemoryCapStore,
  settleCaps,
  withLocalCaps,
  TAKEN,
  type CapBatchResult,
  type CapKey,
  type CapStore,
  type CapTake,
  type CapVerdict,
  type InMemoryCapStoreOptions,
} from './caps.js';
export { PolicySchema, type PolicyDocument } from './schema.js';
export { policyJsonSchemaText } from './schema-json.js';
export * from './types.js';

/**
 * Attribute keys whose values are not scanned: identifiers, model names, counts, settings. Scanning
 * them wastes time and, worse, "redacts" a model name that happens to look like a secret.
 *
 * A skip key skips only values that cannot carry content (`skipsValue`): numbers, booleans, and a
 * string that is one short token (a model name, an enum, a provider's id). Anything that can carry
 * text a person wrote (a string with spaces, a JSON document, a long string, bytes, an array or a
 * kvlist) is scanned whatever its key, and so is the key itself. Only keys whose values software
 * writes belong in the default list: app-chosen ids (`gen_ai.conversation.id`) and free-form
 * parameters (`llm.invocation_parameters`) are scanned.
 *
 * Exact keys are a Set lookup; globs (`gen_ai.usage.*`) are a prefix test or a linear segment match.
 */
import type { AnyValue } from '../otlp/model.js';


/** The defaults; a policy adds to them (`scan.skip_keys`) or turns them off (`scan.default_skip_keys: false`). */
export const DEFAULT_SKIP_KEYS: readonly string[] = [
  // GenAI semantic conventions: model identity, usage counters, ids, finish reasons, settings.
  'gen_ai.system',
  'gen_ai.provider.name',
  'gen_ai.operation.name',
  'gen_ai.request.model',
  'gen_ai.response.model',
  'gen_ai.response.id',
  'gen_ai.response.finish_reasons',
  'gen_ai.request.temperature',
  'gen_ai.request.top_p',
  'gen_ai.request.max_tokens',
  'gen_ai.request.frequency_penalty',
  'gen_ai.request.presence_penalty',
  'gen_ai.usage.*',
  'gen_ai.tool.call.id',
  'gen_ai.tool.name',
  'gen_ai.tool.type',
  'gen_ai.agent.id',
  'gen_ai.evaluation.name',
  'gen_ai.evaluation.score.*',
  'gen_ai.openai.*',
  // OpenInference and Vercel AI SDK counterparts.
  'llm.model_name',
  'llm.provider',
  'llm.system',
  'llm.token_count.*',
  'openinference.span.kind',
  'input.mime_type',
  'output.mime_type',
  'ai.model.*',
  'ai.usage.*',
  'ai.response.id',
  'ai.response.model',
  'ai.response.finishReason',
  'ai.response.timestamp',
  'ai.operationId',
  'ai.settings.*',
  'llm.usage.*',
  'llm.request.type',
  // Resource and process identity.
  'service.name',
  'service.version',
  'service.namespace',
  'service.instance.id',
  'telemetry.sdk.*',
  'process.runtime.*',
  'process.pid',
  'host.arch',
  'os.type',
  'deployment.environment',
  'deployment.environment.name',
  'tenant.id',
  // HTTP plumbing that carries no content.
  'http.request.method',
  'http.response.status_code',
  'http.status_code',
  'server.port',
  // The service the instrumented app called (the model provider's host or IP, semconv `server.*`):
  // infrastructure, not a person. `client.address`, the caller's IP, is personal data and IS scanned.
  'server.address',
];

export interface KeyMatcher {
  matches(key: string): boolean;
}

/** The longest string value a skip key skips; longer ones can carry text and are scanned. */
export const MAX_SKIPPED_STRING = 256;

/**
 * Whether a value under a skip key may go unscanned: it cannot carry content. Numbers, booleans and
 * empty values; a string of at most MAX_SKIPPED_STRING characters with no whitespace or control
 * character that does not open a JSON object or array. Bytes, arrays and kvlists are always scanned.
 */
export function skipsValue(v: AnyValue): boolean {
  switch (v.kind) {
    case 'int':
    case 'double':
    case 'bool':
    case 'empty':
      return true;
    case 'string': {
      const s = v.value;
      if (s.length > MAX_SKIPPED_STRING) return false;
      const first = s.charCodeAt(0);
      if (first === 0x7b || first === 0x5b) return false; // { [
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c <= 0x20 || c === 0x7f || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * A `*` glob (no other wildcard) as literal segments: the first must start the key, the last must end
 * it, the ones between are found left to right, each at its leftmost place after the one before.
 * Leftmost-first is exact for `*`-only globs, and each segment is searched once, so a key is matched
 * in time linear in its length (times the segments' lengths, bounded by the policy's limits) instead
 * of the backtracking a regex `^a.*a.*…b$` does.
 */
function globMatcher(pattern: string): (key: string) => boolean {
  const parts = pattern.split('*');
  const head = parts[0]!;
  const tail = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((p) => p.length > 0);
  const fixed = head.length + tail.length;
  return (key: string): boolean => {
    if (key.length < fixed || !key.startsWith(head) || !key.endsWith(tail)) return false;
    let at = head.length;
    const limit = key.length - tail.length;
    for (const m of middle) {
      const found = key.indexOf(m, at);
      if (found < 0 || found + m.length > limit) return false;
      at = found + m.length;
    }
    return true;
  };
}

/** Compiles exact keys and `*` globs once. A trailing `.*` glob is a prefix test (the common case). */
export function compileKeyMatcher(patterns: readonly string[]): KeyMatcher {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const others: ((key: string) => boolean)[] = [];
  for (const p of patterns) {
    const star = p.indexOf('*');
    if (star < 0) exact.add(p);
    else if (star === p.length - 1) prefixes.push(p.slice(0, -1));
    else others.push(globMatcher(p));
  }
  return {
    matches(key: string): boolean {
      if (exact.has(key)) return true;
      for (let i = 0; i < prefixes.length; i++) if (key.startsWith(prefixes[i]!)) return true;
      for (let i = 0; i < others.length; i++) if (others[i]!(key)) return true;
      return false;
    },
  };
}

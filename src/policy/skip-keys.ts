/**
 * Attribute keys whose values are never scanned: identifiers, model names, counts and our own stamps.
 * Scanning them wastes time and, worse, "redacts" a model name that happens to look like a secret.
 * Exact keys are a Set lookup; globs (`gen_ai.usage.*`) are prefix or RE2-free simple matchers.
 */

/** The defaults; a policy adds to them (`scan.skip_keys`) or turns them off (`scan.default_skip_keys: false`). */
export const DEFAULT_SKIP_KEYS: readonly string[] = [
  // Our own custody stamps.
  'loopgate.*',
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
  'gen_ai.conversation.id',
  'gen_ai.agent.id',
  'gen_ai.evaluation.name',
  'gen_ai.evaluation.score.*',
  'gen_ai.openai.*',
  // OpenInference and Vercel AI SDK counterparts.
  'llm.model_name',
  'llm.provider',
  'llm.system',
  'llm.token_count.*',
  'llm.invocation_parameters',
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

/** Compiles exact keys and `*` globs once. A trailing `.*` glob is a prefix test (the common case). */
export function compileKeyMatcher(patterns: readonly string[]): KeyMatcher {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const others: RegExp[] = [];
  for (const p of patterns) {
    const star = p.indexOf('*');
    if (star < 0) exact.add(p);
    else if (star === p.length - 1) prefixes.push(p.slice(0, -1));
    else {
      // Globs only have `*`; the translated regex has no nested quantifiers, so it cannot backtrack badly.
      const re = p
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^]*');
      others.push(new RegExp(`^${re}$`));
    }
  }
  return {
    matches(key: string): boolean {
      if (exact.has(key)) return true;
      for (let i = 0; i < prefixes.length; i++) if (key.startsWith(prefixes[i]!)) return true;
      for (let i = 0; i < others.length; i++) if (others[i]!.test(key)) return true;
      return false;
    },
  };
}

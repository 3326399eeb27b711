/**
 * The words of a span's own model and provider names (`gen_ai.request.model`, `gen_ai.response.model`,
 * `gen_ai.system`, `gen_ai.provider.name`, OpenTelemetry GenAI semantic conventions), which name no
 * person in that span: "Claude" in a prompt sent to claude-3-5-sonnet is the model being addressed.
 * The PERSON detector reads them through ScanHints.allow.
 */
import type { KeyValue } from '../otlp/model.js';
import type { ScanHints } from './detect/types.js';

const MODEL_KEYS = new Set(['gen_ai.request.model', 'gen_ai.response.model', 'gen_ai.system', 'gen_ai.provider.name', 'llm.model_name', 'ai.model.id', 'ai.model.provider']);

/** Hints for a span with these attributes, or undefined when none names a model. */
export function modelHints(attributes: readonly KeyValue[]): ScanHints | undefined {
  let allow: Set<string> | undefined;
  for (const kv of attributes) {
    if (!MODEL_KEYS.has(kv.key) || kv.value.kind !== 'string') continue;
    for (const w of kv.value.value.toLowerCase().split(/[^\p{L}]+/u)) if (w.length >= 2) (allow ??= new Set()).add(w);
  }
  return allow === undefined ? undefined : { allow };
}

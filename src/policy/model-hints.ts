/**
 * The words of a span's own model and provider names (`gen_ai.request.model`, `gen_ai.response.model`,
 * `gen_ai.system`, `gen_ai.provider.name`, OpenTelemetry GenAI semantic conventions), which name no
 * person in that span: "Claude" in a prompt sent to claude-3-5-sonnet is the model being addressed.
 * The PERSON detector reads them through ScanHints.allow.
 */
import type { KeyValue } from '../otlp/model.js';
import type { ScanHints } from './detect/types.js';

const MODEL_KEYS = new Set(['gen_ai.request.model', 'gen_ai.response.model', 'gen_ai.system', 'gen_ai.provider.name', 'llm.model_name', 'ai.model.id', 'ai.model.provider']);

/**
 * Spans of one application name the same few models, so the hints of each set of model names are
 * made once and handed out as the same object: the scanner's memo of clean strings (clean-memo.ts)
 * tells hints apart by identity. Bounded: emptied when full; names longer than MAX_KEY are not kept.
 */
const known = new Map<string, ScanHints | undefined>();
const MAX_KNOWN = 256;
const MAX_KEY = 256;

/** Hints for a span with these attributes, or undefined when none names a model. */
export function modelHints(attributes: readonly KeyValue[]): ScanHints | undefined {
  let key: string | undefined;
  for (const kv of attributes) {
    if (!MODEL_KEYS.has(kv.key) || kv.value.kind !== 'string') continue;
    key = key === undefined ? kv.value.value : `${key}\u0000${kv.value.value}`;
  }
  if (key === undefined) return undefined;
  const hit = known.get(key);
  if (hit !== undefined || known.has(key)) return hit;
  let allow: Set<string> | undefined;
  for (const value of key.split('\u0000')) {
    for (const w of value.toLowerCase().split(/[^\p{L}]+/u)) if (w.length >= 2) (allow ??= new Set()).add(w);
  }
  const hints = allow === undefined ? undefined : Object.freeze({ allow });
  if (key.length <= MAX_KEY) {
    if (known.size >= MAX_KNOWN) known.clear();
    known.set(key, hints);
  }
  return hints;
}

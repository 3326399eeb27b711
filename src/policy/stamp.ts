/**
 * Custody stamps (design.md, "What every exported span carries"). Custody is ours to state, a producer
 * must not be able to forge it: the scanner drops a client's `loopgate.*` attributes at every level
 * (scan-span.ts), and any left on the span are removed here once more before the stamps are added.
 */
import { int, str, type KeyValue } from '../otlp/model.js';
import { STAMP, type ExportClass } from './types.js';

export const RETENTION_KEY = 'loopgate.retention';

export function stampAttributes(
  attrs: readonly KeyValue[],
  cls: ExportClass,
  rule: string,
  version: string,
  redactions: number,
  retention: string | undefined,
): KeyValue[] {
  const out: KeyValue[] = [];
  for (const kv of attrs) if (!kv.key.startsWith('loopgate.')) out.push(kv);
  out.push(
    { key: STAMP.class, value: str(cls) },
    { key: STAMP.rule, value: str(rule) },
    { key: STAMP.policyVersion, value: str(version) },
    { key: STAMP.redactions, value: int(redactions) },
  );
  if (retention !== undefined) out.push({ key: RETENTION_KEY, value: str(retention) });
  return out;
}

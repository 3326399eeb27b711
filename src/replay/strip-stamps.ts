/**
 * Recorded traffic may be Loopgate's own output: records already stamped with their custody
 * (`loopgate.class`, `loopgate.rule`, …, design.md "What every exported span carries"). Replaying them
 * must answer "what would the policy do with this record fresh off the producer", so every
 * `loopgate.*` attribute of a span or log record is removed first; otherwise a rule testing attributes
 * could see the old verdict.
 *
 * Copy-on-write: records without stamps are shared, the input is never modified (principle 5).
 */
import type { KeyValue } from '../otlp/model.js';
import type { SignalRequest } from '../otlp/signal.js';

const STAMP_PREFIX = 'loopgate.';

function hasStamp(attrs: readonly KeyValue[]): boolean {
  for (const kv of attrs) if (kv.key.startsWith(STAMP_PREFIX)) return true;
  return false;
}

/** `list` with `strip` applied to each item; the same array when no item changed. */
function mapShared<T>(list: T[], strip: (item: T) => T): T[] {
  let out: T[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const item = list[i]!;
    const s = strip(item);
    if (s !== item) (out ??= list.slice())[i] = s;
  }
  return out ?? list;
}

function stripRecord<R extends { attributes: KeyValue[] }>(r: R): R {
  return hasStamp(r.attributes) ? { ...r, attributes: r.attributes.filter((kv) => !kv.key.startsWith(STAMP_PREFIX)) } : r;
}

/** The request with `loopgate.*` record attributes removed; the same object when there were none. */
export function stripStamps(request: SignalRequest): SignalRequest {
  switch (request.signal) {
    case 'traces': {
      const { resourceSpans } = request.data;
      const out = mapShared(resourceSpans, (rs) => {
        const scopeSpans = mapShared(rs.scopeSpans, (ss) => {
          const spans = mapShared(ss.spans, stripRecord);
          return spans === ss.spans ? ss : { ...ss, spans };
        });
        return scopeSpans === rs.scopeSpans ? rs : { ...rs, scopeSpans };
      });
      return out === resourceSpans ? request : { signal: 'traces', data: { resourceSpans: out } };
    }
    case 'logs': {
      const { resourceLogs } = request.data;
      const out = mapShared(resourceLogs, (rl) => {
        const scopeLogs = mapShared(rl.scopeLogs, (sl) => {
          const logRecords = mapShared(sl.logRecords, stripRecord);
          return logRecords === sl.logRecords ? sl : { ...sl, logRecords };
        });
        return scopeLogs === rl.scopeLogs ? rl : { ...rl, scopeLogs };
      });
      return out === resourceLogs ? request : { signal: 'logs', data: { resourceLogs: out } };
    }
    case 'metrics':
      // Metrics are never stamped.
      return request;
  }
}

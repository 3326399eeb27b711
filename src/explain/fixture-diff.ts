/**
 * Unified diff of two pretty-printed OTLP-JSON documents (a fixture's expected class file and what the
 * policy exported), with each hunk headed by the span it falls in, so a reviewer sees
 * `@@ -41,7 +41,7 @@ span "chat gpt-4o" 00f067aa0ba902b7 (trace 4bf92f…)` rather than a bare
 * line number in a thousand-line file.
 *
 * Lines are compared exactly (the runner normalises both sides to the encoder's key order). The common
 * prefix and suffix are skipped first, so the quadratic LCS only sees the region that changed; a change
 * region too large for it is shown as removed-then-added, which is still a correct diff.
 */

export interface DiffOptions {
  /** Unchanged lines shown around each change. Default 3. */
  context?: number;
  /** Largest changed region (lines × lines) given a minimal diff. Default 4,000,000. */
  maxCells?: number;
}

type Op = { kind: ' ' | '-' | '+'; text: string; a: number; b: number };

/**
 * 0-based line → the span or log record whose JSON object holds it, in an OTLP-JSON document printed
 * with 2-space indents.
 */
export function spanContext(lines: readonly string[]): (line: number) => string | undefined {
  // ExportTraceServiceRequest → resourceSpans[] → scopeSpans[] → spans[] (logs: resourceLogs[] →
  // scopeLogs[] → logRecords[]): record objects open at 12 spaces and their fields sit at 14
  // (JSON.stringify(v, null, 2), the runner's normal form).
  const SPAN_OPEN = /^ {12}\{$/;
  const SPAN_CLOSE = /^ {12}\},?$/;
  const FIELD = /^ {14}"(spanId|traceId|name|eventName)": ("(?:[^"\\]|\\.)*")/;
  const logs = lines.length > 1 && /^ {2}"resourceLogs": /.test(lines[1]!);
  const owner = new Int32Array(lines.length).fill(-1);
  const labels: string[] = [];
  let current = -1;
  let fields: Record<string, string> = {};
  const close = (): void => {
    if (current < 0) return;
    const trace = fields['traceId'] ?? '';
    // A log record may have no eventName field (its event name in the event.name attribute, as the JS
    // instrumentation writes it): the document's top-level key says which signal it is.
    const what = logs ? `log record${fields['eventName'] !== undefined ? ` ${fields['eventName']}` : ''}` : `span ${fields['name'] ?? '""'}`;
    labels[current] = `${what} ${fields['spanId'] ?? '?'}${trace ? ` (trace ${trace})` : ''}`;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (SPAN_OPEN.test(line)) {
      current = labels.length;
      labels.push('');
      fields = {};
    }
    if (current >= 0) {
      owner[i] = current;
      const m = FIELD.exec(line);
      if (m) fields[m[1]!] = m[1] === 'name' || m[1] === 'eventName' ? m[2]! : (JSON.parse(m[2]!) as string);
      if (SPAN_CLOSE.test(line)) {
        close();
        current = -1;
      }
    }
  }
  close();
  return (line) => {
    const o = owner[line];
    return o === undefined || o < 0 ? undefined : labels[o];
  };
}

function split(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

function diffOps(a: readonly string[], b: readonly string[], maxCells: number): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const ops: Op[] = [];
  for (let i = 0; i < pre; i++) ops.push({ kind: ' ', text: a[i]!, a: i, b: i });
  const n = a.length - pre - suf;
  const m = b.length - pre - suf;
  if (n * m > maxCells) {
    for (let i = 0; i < n; i++) ops.push({ kind: '-', text: a[pre + i]!, a: pre + i, b: pre });
    for (let j = 0; j < m; j++) ops.push({ kind: '+', text: b[pre + j]!, a: pre + n, b: pre + j });
  } else {
    // lcs[i][j]: longest common subsequence of a[pre+i..] and b[pre+j..], one row per line of `a`.
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      const row = lcs[i]!;
      const next = lcs[i + 1]!;
      for (let j = m - 1; j >= 0; j--) row[j] = a[pre + i] === b[pre + j] ? next[j + 1]! + 1 : Math.max(next[j]!, row[j + 1]!);
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[pre + i] === b[pre + j]) {
        ops.push({ kind: ' ', text: a[pre + i]!, a: pre + i, b: pre + j });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
        ops.push({ kind: '-', text: a[pre + i]!, a: pre + i, b: pre + j });
        i++;
      } else {
        ops.push({ kind: '+', text: b[pre + j]!, a: pre + i, b: pre + j });
        j++;
      }
    }
  }
  for (let k = 0; k < suf; k++) ops.push({ kind: ' ', text: a[a.length - suf + k]!, a: a.length - suf + k, b: b.length - suf + k });
  return ops;
}

/**
 * `--- expectedLabel` / `+++ actualLabel` and one `@@` hunk per change region. Empty when equal.
 */
export function unifiedDiff(expected: string, actual: string, labels: { expected: string; actual: string }, options: DiffOptions = {}): string {
  const context = options.context ?? 3;
  const a = split(expected);
  const b = split(actual);
  const ops = diffOps(a, b, options.maxCells ?? 4_000_000);
  if (ops.every((o) => o.kind === ' ')) return '';
  const spanOfA = spanContext(a);
  const spanOfB = spanContext(b);

  const out = [`--- ${labels.expected}`, `+++ ${labels.actual}`];
  let k = 0;
  while (k < ops.length) {
    // Next change, then extend the hunk while changes are within 2×context of each other.
    while (k < ops.length && ops[k]!.kind === ' ') k++;
    if (k >= ops.length) break;
    const start = Math.max(0, k - context);
    let end = k;
    let lastChange = k;
    while (end < ops.length && end - lastChange <= 2 * context) {
      if (ops[end]!.kind !== ' ') lastChange = end;
      end++;
    }
    end = Math.min(ops.length, lastChange + context + 1);
    const hunk = ops.slice(start, end);
    const aLines = hunk.filter((o) => o.kind !== '+').length;
    const bLines = hunk.filter((o) => o.kind !== '-').length;
    const first = hunk[0]!;
    // Header: the span(s) the changed lines belong to (a whole added or removed file touches several).
    const spans: string[] = [];
    for (const o of hunk) {
      if (o.kind === ' ') continue;
      const s = o.kind === '+' ? spanOfB(o.b) : spanOfA(o.a);
      if (s !== undefined && !spans.includes(s)) spans.push(s);
    }
    const noun = spans[0]?.startsWith('log record') ? 'log record' : 'span';
    const where = spans.length === 0 ? undefined : spans.length === 1 ? spans[0] : `${spans[0]} and ${spans.length - 1} more ${noun}${spans.length === 2 ? '' : 's'}`;
    const range = (startLine: number, count: number): string => `${count === 0 ? startLine : startLine + 1},${count}`;
    out.push(`@@ -${range(first.a, aLines)} +${range(first.b, bLines)} @@${where ? ` ${where}` : ''}`);
    for (const o of hunk) out.push(`${o.kind}${o.text}`);
    k = end;
  }
  return out.join('\n');
}

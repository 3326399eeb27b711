/**
 * A deterministic work meter for linearity tests: `measureWork(fn)` runs `fn` and counts the steps it
 * took, with no clock involved, so "doubling the input doubles the work" can be asserted on a shared
 * machine.
 *
 * What is counted, while `fn` runs:
 * - every regex execution (`exec`, and through it `test`, `match`, `replace`, `split`, `search`):
 *   the steps a plain backtracking matcher takes for it, the matcher being the small interpreter
 *   below (same semantics as V8's engine for the syntax our detectors use: classes, groups,
 *   alternation, greedy and lazy quantifiers, anchors, word boundaries, lookahead and lookbehind).
 *   Each interpreted result is checked against V8's, so the meter cannot silently count something
 *   other than what ran. V8 is often faster than the model (it skips ahead on literals), never
 *   asymptotically slower: it is a backtracking engine too;
 * - the characters string methods look at (`indexOf`, `includes`, `startsWith`, `slice`,
 *   `toLowerCase`…) and one step per `charCodeAt`.
 * Work done without touching a string (pure arithmetic loops) is not counted; the code measured here
 * reads strings in every loop.
 *
 * Patching the prototypes makes code slower while measured: use small inputs.
 */

type Matcher = (pos: number, k: (end: number) => boolean) => boolean;

interface Compiled {
  /** Matches forward from `pos`. */
  forward: Matcher;
}

const originalExec = RegExp.prototype.exec;
const originalCharCodeAt = String.prototype.charCodeAt;

let steps = 0;
let text = '';
/** Set while the model itself runs: its own string and regex calls are not the measured code's work. */
let busy = false;

function codeAt(i: number): number {
  return originalCharCodeAt.call(text, i);
}

// ---- parsing: the pattern source into matchers ----

interface Ctx {
  src: string;
  i: number;
  flags: string;
  /** Capturing groups seen so far, and the names of named ones. */
  groups: number;
  names: Map<string, number>;
}

type Node =
  | { t: 'char'; test: (c: number) => boolean }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; alts: Node[] }
  | { t: 'quant'; node: Node; min: number; max: number; greedy: boolean }
  | { t: 'look'; node: Node; behind: boolean; negate: boolean }
  | { t: 'group'; node: Node; index: number }
  | { t: 'backref'; index: number | string }
  | { t: 'assert'; kind: '^' | '$' | 'b' | 'B' };

/** A native one-character regex decides what a class or escape matches, so its semantics are V8's. */
function charTester(atom: string, flags: string): (c: number) => boolean {
  const f = flags.replace(/[gyd]/g, '');
  const re = new RegExp(`^(?:${atom})$`, f);
  const cache = new Map<number, boolean>();
  return (c: number): boolean => {
    let r = cache.get(c);
    if (r === undefined) {
      r = originalExec.call(re, String.fromCharCode(c)) !== null;
      cache.set(c, r);
    }
    return r;
  };
}

function parseAlt(ctx: Ctx): Node {
  const alts: Node[] = [parseSeq(ctx)];
  while (ctx.src[ctx.i] === '|') {
    ctx.i++;
    alts.push(parseSeq(ctx));
  }
  return alts.length === 1 ? alts[0]! : { t: 'alt', alts };
}

function parseSeq(ctx: Ctx): Node {
  const items: Node[] = [];
  while (ctx.i < ctx.src.length && ctx.src[ctx.i] !== '|' && ctx.src[ctx.i] !== ')') {
    let atom = parseAtom(ctx);
    atom = parseQuantifier(ctx, atom);
    items.push(atom);
  }
  return items.length === 1 ? items[0]! : { t: 'seq', items };
}

function parseQuantifier(ctx: Ctx, node: Node): Node {
  const s = ctx.src;
  let min: number;
  let max: number;
  const c = s[ctx.i];
  if (c === '*') [min, max] = [0, Infinity];
  else if (c === '+') [min, max] = [1, Infinity];
  else if (c === '?') [min, max] = [0, 1];
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(ctx.i));
    if (!m) return node; // a literal '{'
    min = Number(m[1]);
    max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    ctx.i += m[0].length - 1;
  } else return node;
  ctx.i++;
  let greedy = true;
  if (s[ctx.i] === '?') {
    greedy = false;
    ctx.i++;
  }
  return { t: 'quant', node, min, max, greedy };
}

function escapeLength(s: string, i: number): number {
  // s[i] === '\\'
  const e = s[i + 1];
  if (e === 'u') {
    if (s[i + 2] === '{') return s.indexOf('}', i) - i + 1;
    return 6;
  }
  if (e === 'x') return 4;
  if (e === 'c') return 3;
  if (e === 'p' || e === 'P') return s.indexOf('}', i) - i + 1;
  return 2;
}

function parseAtom(ctx: Ctx): Node {
  const s = ctx.src;
  const c = s[ctx.i]!;
  if (c === '(') {
    ctx.i++;
    let look: { behind: boolean; negate: boolean } | undefined;
    let capture = 0;
    if (s.startsWith('?:', ctx.i)) ctx.i += 2;
    else if (s.startsWith('?=', ctx.i)) [look, ctx.i] = [{ behind: false, negate: false }, ctx.i + 2];
    else if (s.startsWith('?!', ctx.i)) [look, ctx.i] = [{ behind: false, negate: true }, ctx.i + 2];
    else if (s.startsWith('?<=', ctx.i)) [look, ctx.i] = [{ behind: true, negate: false }, ctx.i + 3];
    else if (s.startsWith('?<!', ctx.i)) [look, ctx.i] = [{ behind: true, negate: true }, ctx.i + 3];
    else if (s.startsWith('?<', ctx.i)) {
      const close = s.indexOf('>', ctx.i);
      capture = ++ctx.groups;
      ctx.names.set(s.slice(ctx.i + 2, close), capture);
      ctx.i = close + 1;
    } else capture = ++ctx.groups;
    const inner = parseAlt(ctx);
    if (s[ctx.i] !== ')') throw new Error(`work meter: unbalanced group in /${s}/`);
    ctx.i++;
    if (look) return { t: 'look', node: inner, ...look };
    return capture > 0 ? { t: 'group', node: inner, index: capture } : inner;
  }
  if (c === '^' || c === '$') {
    ctx.i++;
    return { t: 'assert', kind: c };
  }
  if (c === '[') {
    let j = ctx.i + 1;
    if (s[j] === '^') j++;
    if (s[j] === ']') j++;
    while (j < s.length && s[j] !== ']') j += s[j] === '\\' ? escapeLength(s, j) : 1;
    const atom = s.slice(ctx.i, j + 1);
    ctx.i = j + 1;
    return { t: 'char', test: charTester(atom, ctx.flags) };
  }
  if (c === '\\') {
    const e = s[ctx.i + 1]!;
    if (e === 'b' || e === 'B') {
      ctx.i += 2;
      return { t: 'assert', kind: e };
    }
    if (e >= '1' && e <= '9') {
      let j = ctx.i + 1;
      while (j < s.length && s[j]! >= '0' && s[j]! <= '9') j++;
      const index = Number(s.slice(ctx.i + 1, j));
      ctx.i = j;
      return { t: 'backref', index };
    }
    if (e === 'k') {
      const close = s.indexOf('>', ctx.i);
      const name = s.slice(ctx.i + 3, close);
      ctx.i = close + 1;
      return { t: 'backref', index: name };
    }
    const n = escapeLength(s, ctx.i);
    const atom = s.slice(ctx.i, ctx.i + n);
    ctx.i += n;
    return { t: 'char', test: charTester(atom, ctx.flags) };
  }
  ctx.i++;
  return { t: 'char', test: charTester(c === '.' ? '.' : c.replace(/[{}]/, '\\$&'), ctx.flags) };
}

// ---- matching: continuation-passing backtracking, `dir` -1 inside lookbehind ----

function isWord(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Capture positions of the match being modelled (start, end per group), restored on backtracking. */
let captures: number[] = [];

function compile(node: Node, dir: 1 | -1, flags: string, names: Map<string, number>): Matcher {
  const multiline = flags.includes('m');
  switch (node.t) {
    case 'char': {
      const test = node.test;
      return dir === 1
        ? (pos, k) => {
            steps++;
            return pos < text.length && test(codeAt(pos)) && k(pos + 1);
          }
        : (pos, k) => {
            steps++;
            return pos > 0 && test(codeAt(pos - 1)) && k(pos - 1);
          };
    }
    case 'seq': {
      const parts = node.items.map((n) => compile(n, dir, flags, names));
      if (dir === -1) parts.reverse();
      const run = (i: number, pos: number, k: (end: number) => boolean): boolean => (i === parts.length ? k(pos) : parts[i]!(pos, (p) => run(i + 1, p, k)));
      return (pos, k) => run(0, pos, k);
    }
    case 'alt': {
      const alts = node.alts.map((n) => compile(n, dir, flags, names));
      return (pos, k) => {
        for (const a of alts) if (a(pos, k)) return true;
        return false;
      };
    }
    case 'assert': {
      const kind = node.kind;
      return (pos, k) => {
        steps++;
        const before = pos > 0 ? codeAt(pos - 1) : -1;
        const after = pos < text.length ? codeAt(pos) : -1;
        let ok: boolean;
        if (kind === '^') ok = pos === 0 || (multiline && (before === 10 || before === 13 || before === 0x2028 || before === 0x2029));
        else if (kind === '$') ok = pos === text.length || (multiline && (after === 10 || after === 13 || after === 0x2028 || after === 0x2029));
        else {
          const boundary = (before >= 0 && isWord(before)) !== (after >= 0 && isWord(after));
          ok = kind === 'b' ? boundary : !boundary;
        }
        return ok && k(pos);
      };
    }
    case 'look': {
      const inner = compile(node.node, node.behind ? -1 : 1, flags, names);
      const negate = node.negate;
      return (pos, k) => {
        steps++;
        const found = inner(pos, () => true);
        return found !== negate && k(pos);
      };
    }
    case 'group': {
      const inner = compile(node.node, dir, flags, names);
      const at = node.index * 2;
      return (pos, k) => {
        const s0 = captures[at];
        const e0 = captures[at + 1];
        const ok = inner(pos, (end) => {
          const s1 = captures[at];
          const e1 = captures[at + 1];
          captures[at] = dir === 1 ? pos : end;
          captures[at + 1] = dir === 1 ? end : pos;
          if (k(end)) return true;
          captures[at] = s1!;
          captures[at + 1] = e1!;
          return false;
        });
        if (!ok) {
          captures[at] = s0!;
          captures[at + 1] = e0!;
        }
        return ok;
      };
    }
    case 'backref': {
      const ref = node.index;
      return (pos, k) => {
        const index = typeof ref === 'number' ? ref : names.get(ref)!;
        const start = captures[index * 2] ?? -1;
        const end = captures[index * 2 + 1] ?? -1;
        if (start < 0 || end < 0) return k(pos); // an unset group matches empty
        const len = end - start;
        const from = dir === 1 ? pos : pos - len;
        if (from < 0 || from + len > text.length) return false;
        for (let i = 0; i < len; i++) {
          steps++;
          if (codeAt(from + i) !== codeAt(start + i)) return false;
        }
        return k(dir === 1 ? pos + len : pos - len);
      };
    }
    case 'quant': {
      const { min, max, greedy } = node;
      if (node.node.t === 'char') {
        // one character at a time, as engines loop over a class: run forward, then give back
        const test = node.node.test;
        return (pos, k) => {
          const step = dir;
          let n = 0;
          let p = pos;
          if (greedy) {
            while (n < max) {
              steps++;
              const at = step === 1 ? p : p - 1;
              if (at < 0 || at >= text.length || !test(codeAt(at))) break;
              p += step;
              n++;
            }
            for (; n >= min; n--, p -= step) {
              steps++;
              if (k(p)) return true;
            }
            return false;
          }
          for (;;) {
            if (n >= min) {
              steps++;
              if (k(p)) return true;
            }
            if (n >= max) return false;
            steps++;
            const at = step === 1 ? p : p - 1;
            if (at < 0 || at >= text.length || !test(codeAt(at))) return false;
            p += step;
            n++;
          }
        };
      }
      const inner = compile(node.node, dir, flags, names);
      const iterate = (count: number, pos: number, k: (end: number) => boolean): boolean => {
        steps++;
        const again = (p: number): boolean => (p === pos && count >= min ? false : iterate(count + 1, p, k));
        if (greedy) {
          if (count < max && inner(pos, again)) return true;
          return count >= min && k(pos);
        }
        if (count >= min && k(pos)) return true;
        return count < max && inner(pos, again);
      };
      return (pos, k) => iterate(0, pos, k);
    }
  }
}

const cache = new Map<string, Compiled>();

function compiled(re: RegExp): Compiled {
  const key = `${re.flags}/${re.source}`;
  let c = cache.get(key);
  if (c === undefined) {
    const ctx: Ctx = { src: re.source, i: 0, flags: re.flags, groups: 0, names: new Map() };
    const node = parseAlt(ctx);
    if (ctx.i !== ctx.src.length) throw new Error(`work meter: cannot parse /${re.source}/ at ${ctx.i}`);
    c = { forward: compile(node, 1, re.flags, ctx.names) };
    cache.set(key, c);
  }
  return c;
}

/** Runs the model of `re.exec(s)` from `from`; returns [index, end] or undefined, counting steps. */
function simulate(re: RegExp, s: string, from: number): [number, number] | undefined {
  const { forward } = compiled(re);
  const sticky = re.sticky;
  const saved = text;
  text = s;
  try {
    for (let p = from; p <= s.length; p++) {
      steps++;
      captures = [];
      let end = -1;
      if (
        forward(p, (e) => {
          end = e;
          return true;
        })
      ) {
        return [p, end];
      }
      if (sticky) return undefined;
    }
    return undefined;
  } finally {
    text = saved;
  }
}

// ---- the meter ----

type Patch = [object, string, PropertyDescriptor];

function patches(): Patch[] {
  const sp = String.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const orig = { ...Object.fromEntries(['charCodeAt', 'indexOf', 'lastIndexOf', 'includes', 'startsWith', 'endsWith', 'slice', 'substring', 'toLowerCase', 'toUpperCase', 'trim'].map((n) => [n, sp[n]!])) };
  const wrap = (name: string, cost: (self: string, args: unknown[], result: unknown) => number): Patch => [
    String.prototype,
    name,
    {
      configurable: true,
      writable: true,
      value: function (this: string, ...args: unknown[]) {
        const r = orig[name]!.apply(this, args);
        if (!busy) steps += cost(String(this), args, r);
        return r;
      },
    },
  ];
  const scanned = (self: string, args: unknown[], r: unknown): number => {
    const from = typeof args[1] === 'number' ? args[1] : 0;
    return (typeof r === 'number' && r >= 0 ? r - from : self.length - from) + 1;
  };
  return [
    wrap('charCodeAt', () => 1),
    wrap('indexOf', scanned),
    wrap('lastIndexOf', (self) => self.length + 1),
    wrap('includes', (self) => self.length + 1),
    wrap('startsWith', (_s, args) => String(args[0]).length + 1),
    wrap('endsWith', (_s, args) => String(args[0]).length + 1),
    wrap('slice', (_s, _a, r) => (r as string).length + 1),
    wrap('substring', (_s, _a, r) => (r as string).length + 1),
    wrap('toLowerCase', (self) => self.length + 1),
    wrap('toUpperCase', (self) => self.length + 1),
    wrap('trim', (self) => self.length + 1),
    [
      RegExp.prototype,
      'exec',
      {
        configurable: true,
        writable: true,
        value: function (this: RegExp, input: string) {
          if (busy) return originalExec.call(this, input);
          const s = String(input);
          const from = this.global || this.sticky ? this.lastIndex : 0;
          busy = true;
          let modelled: [number, number] | undefined;
          try {
            modelled = from > s.length ? undefined : simulate(this, s, from);
          } finally {
            busy = false;
          }
          const real = originalExec.call(this, s);
          const agrees = real === null ? modelled === undefined : modelled !== undefined && modelled[0] === real.index && modelled[1] === real.index + real[0].length;
          if (!agrees) {
            throw new Error(`work meter: the model of /${this.source}/${this.flags} disagrees with V8 at ${from} (model ${JSON.stringify(modelled)}, V8 ${real === null ? 'null' : `[${real.index}, ${real.index + real[0].length}]`})`);
          }
          return real;
        },
      },
    ],
  ];
}

/** Runs `fn` with the meter on; returns its result and the steps it took. Not re-entrant. */
export function measureWork<T>(fn: () => T): { result: T; steps: number } {
  const list = patches();
  const saved = list.map(([obj, name]) => Object.getOwnPropertyDescriptor(obj, name)!);
  steps = 0;
  list.forEach(([obj, name, d]) => Object.defineProperty(obj, name, d));
  try {
    const result = fn();
    return { result, steps };
  } finally {
    list.forEach(([obj, name], i) => Object.defineProperty(obj, name, saved[i]!));
  }
}

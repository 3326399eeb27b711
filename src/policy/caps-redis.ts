/**
 * Caps counted in one Redis that every replica shares (cap_store.redis), so "at most N per window"
 * holds across all of them.
 *
 * One request's claims are ONE script call (EVALSHA; Redis runs a script atomically, nothing else runs
 * in between: https://redis.io/docs/latest/develop/interact/programmability/eval-intro/), with the same
 * meaning as the in-memory store, entry by entry in order, each all or nothing. The give-back of a
 * refused request is one script call too. Claims are sent once per distinct counter and window, and
 * runs of spans with the same claims as one group, so a call's size follows the distinct caps of a
 * request, not its span count.
 *
 * A counter is a hash { s: window start (ms), c: count } under `key_prefix + cap id + ':' + digest`.
 * As in memory, a window start older than the stored one never reopens it (a replica whose clock is
 * behind counts against the window a faster clock already opened), and a newer one starts the count
 * again in place. Every write sets the counter to expire when its window ends plus a grace period, so
 * Redis holds only live windows and never grows with time; the grace period covers replicas whose
 * clocks are behind, which still need the count. The TTL is relative (PEXPIRE), so Redis's own clock
 * does not matter.
 *
 * Failure is a value: not connected (no offline queue: a command fails at once instead of waiting),
 * slower than `timeoutMs`, or any error reply. The caller (gateway/cap-admission.ts) decides what a
 * cap does then. A take that timed out may still run in Redis later; its room is then used without
 * the spans being admitted (fewer than the limit pass, never more).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Redis } from 'ioredis';
import type { CapBatchResult, CapGiveResult, CapKey, CapStore, CapStoreFailure, CapTake } from './caps.js';
import { TAKEN } from './caps.js';

export interface RedisCapStoreOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: { caFile?: string; certFile?: string; keyFile?: string; insecureSkipVerify?: boolean; serverName?: string };
  /** Prepended to every counter key. Default `loopgate:cap:`. */
  keyPrefix?: string;
  /** Per call; past it the call fails as `timeout`. */
  timeoutMs: number;
  /** How long a counter outlives its window. Default 60 s. */
  graceMs?: number;
}

/** How long a counter stays after its window ends, for replicas whose clocks are behind. */
export const DEFAULT_GRACE_MS = 60_000;

/*
 * KEYS: the distinct counters.
 * ARGV: now (the caller's clock, ms), grace (ms), the number of distinct claims C, C × (key index,
 * limit, window start, window ms), the number of groups G, then G × (count, n, n claim indices), n
 * negative when the entry names one counter more than once: a
 * group is `count` consecutive entries with the same claims (a request's spans mostly share their
 * caps, so a 100-span request is a few groups, not 100 entries). Entries run in order, each all or
 * nothing. Returns per group: how many of its entries were taken (the first ones), and the 1-based
 * index of the first full claim that refused the rest (0 when all were taken); once one entry is
 * refused the identical ones after it are refused by the same claim, since a refusal counts nothing.
 * Window starts are kept as the caller's text (never re-formatted from a Lua number), so the give
 * script can compare them exactly.
 */
const TAKE_SCRIPT = `
local now = tonumber(ARGV[1])
local grace = tonumber(ARGV[2])
local claims = tonumber(ARGV[3])
local ck, climit, cws, cwsText, cwms = {}, {}, {}, {}, {}
local p = 4
for c = 1, claims do
  ck[c] = tonumber(ARGV[p])
  climit[c] = tonumber(ARGV[p + 1])
  cwsText[c] = ARGV[p + 2]
  cws[c] = tonumber(ARGV[p + 2])
  cwms[c] = tonumber(ARGV[p + 3])
  p = p + 4
end
local start, startText, count, window, dirty = {}, {}, {}, {}, {}
local function load(k)
  if start[k] == nil then
    local v = redis.call('HMGET', KEYS[k], 's', 'c')
    start[k] = tonumber(v[1]) or -1
    startText[k] = v[1]
    count[k] = tonumber(v[2]) or 0
  end
end
local function used(c)
  local k = ck[c]
  load(k)
  if start[k] >= cws[c] then return count[k] end
  return 0
end
local function take(c, times)
  local k = ck[c]
  if start[k] < cws[c] then
    start[k] = cws[c]
    startText[k] = cwsText[c]
    count[k] = 0
  end
  count[k] = count[k] + times
  window[k] = cwms[c]
  dirty[k] = true
end
local groups = tonumber(ARGV[p])
p = p + 1
local out, cs = {}, {}
for g = 1, groups do
  local times = tonumber(ARGV[p])
  local n = tonumber(ARGV[p + 1])
  -- n < 0: the entry names one counter more than once.
  local distinct = n > 0
  if n < 0 then n = -n end
  for j = 1, n do cs[j] = tonumber(ARGV[p + 1 + j]) end
  p = p + 2 + n
  local taken, full = 0, 0
  if distinct then
    -- Entry t of the group is taken while every claim still has room for it: the first min(room)
    -- entries are, and the first claim with the least room refuses the rest.
    taken = times
    for j = 1, n do
      local room = math.max(climit[cs[j]] - used(cs[j]), 0)
      if room < taken then
        taken = room
        full = j
      end
    end
    if taken == times then full = 0 end
    if taken > 0 then
      for j = 1, n do take(cs[j], taken) end
    end
  else
    -- A counter named twice in one entry needs room for both: entry by entry.
    while taken < times do
      local pending = {}
      for j = 1, n do
        local k = ck[cs[j]]
        if used(cs[j]) + (pending[k] or 0) >= climit[cs[j]] then
          full = j
          break
        end
        pending[k] = (pending[k] or 0) + 1
      end
      if full ~= 0 then break end
      for j = 1, n do take(cs[j], 1) end
      taken = taken + 1
    end
  end
  out[2 * g - 1] = taken
  out[2 * g] = full
end
for k in pairs(dirty) do
  redis.call('HSET', KEYS[k], 's', startText[k], 'c', count[k])
  local ttl = start[k] + window[k] - now
  if ttl < 0 then ttl = 0 end
  redis.call('PEXPIRE', KEYS[k], math.floor(ttl + grace))
end
return out
`;

/*
 * KEYS: the distinct counters. ARGV: triples (key index, window start, how many to give back). Never
 * below 0, never into another window than the one taken from.
 */
const GIVE_SCRIPT = `
for i = 1, #ARGV, 3 do
  local key = KEYS[tonumber(ARGV[i])]
  local v = redis.call('HMGET', key, 's', 'c')
  local c = tonumber(v[2]) or 0
  if v[1] == ARGV[i + 1] and c > 0 then
    local left = c - tonumber(ARGV[i + 2])
    if left < 0 then left = 0 end
    redis.call('HSET', key, 'c', left)
  end
end
return 0
`;

/**
 * The scripts as ioredis defines them. Arguments go as arrays, which ioredis flattens into the
 * command: a large request has hundreds of thousands of them, more than a spread call can pass.
 */
interface CapScripts {
  loopgateCapTake(numKeys: number, ...args: (string | number)[][]): Promise<number[]>;
  loopgateCapGive(numKeys: number, ...args: (string | number)[][]): Promise<number>;
}

export class RedisCapStore implements CapStore {
  readonly kind = 'redis';
  readonly #redis: Redis & CapScripts;
  readonly #prefix: string;
  readonly #graceMs: number;
  readonly #nowMs: () => number;
  /** Redis key per cap key, for keys seen recently (a digest per span would cost more than the call). */
  readonly #keyCache = new Map<string, string>();

  constructor(options: RedisCapStoreOptions, nowMs: () => number = Date.now) {
    this.#prefix = options.keyPrefix ?? 'loopgate:cap:';
    this.#graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    this.#nowMs = nowMs;
    this.#redis = new Redis({
      host: options.host,
      port: options.port,
      ...(options.username !== undefined && { username: options.username }),
      ...(options.password !== undefined && { password: options.password }),
      db: options.db ?? 0,
      ...(options.tls && { tls: tlsOptions(options.tls) }),
      connectionName: 'loopgate',
      lazyConnect: true,
      // Fail fast while disconnected: a cap check must not wait for a reconnect that may never come.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: options.timeoutMs,
      connectTimeout: Math.max(options.timeoutMs, 1_000),
      // Keep reconnecting for as long as the gateway runs, backing off to one attempt every 2 s.
      retryStrategy: (times) => Math.min(50 * times, 2_000),
      scripts: {
        loopgateCapTake: { lua: TAKE_SCRIPT },
        loopgateCapGive: { lua: GIVE_SCRIPT },
      },
    }) as Redis & CapScripts;
    // Connection errors are reported through failed calls (logged once per interval by the caller);
    // without a listener every reconnect attempt would print a stack trace.
    this.#redis.on('error', () => {});
  }

  /**
   * Connects, waiting at most `waitMs`. A Redis that is not up yet is not fatal: the client keeps
   * reconnecting and caps fail as configured until it answers. Resolves whether it connected.
   */
  async connect(waitMs: number): Promise<{ connected: true } | { connected: false; detail: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ connected: false; detail: string }>((resolve) => {
      timer = setTimeout(() => resolve({ connected: false, detail: `not connected within ${waitMs} ms` }), waitMs);
    });
    const connecting = this.#redis.connect().then(
      () => ({ connected: true }) as const,
      (err: unknown) => ({ connected: false, detail: describe(err) }) as const,
    );
    try {
      return await Promise.race([connecting, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async take(batch: readonly (readonly CapKey[])[]): Promise<CapBatchResult> {
    if (batch.length === 0) return { ok: true, takes: [] };
    const keys: string[] = [];
    const keyIndex = new Map<string, number>();
    const claimArgs: (string | number)[] = [];
    const claimIndex = new Map<string, number>();
    const groupArgs: number[] = [];
    /** Entries per group, in order, to expand the answer. */
    const groupSizes: number[] = [];
    let last = '';
    for (const entry of batch) {
      let signature = '';
      const claims: number[] = [];
      let repeats = false;
      for (const k of entry) {
        const id = `${k.key}\u0001${k.windowStartMs}\u0001${k.limit}\u0001${k.windowMs}`;
        let c = claimIndex.get(id);
        if (c === undefined) {
          claimArgs.push(this.#indexOf(k.key, keys, keyIndex), k.limit, k.windowStartMs, k.windowMs);
          c = claimIndex.size + 1;
          claimIndex.set(id, c);
        }
        claims.push(c);
        signature += `${c},`;
      }
      if (claims.length > 1) {
        const counters = new Set<number>();
        for (const c of claims) counters.add(claimArgs[(c - 1) * 4] as number);
        repeats = counters.size < claims.length;
      }
      if (groupSizes.length > 0 && signature === last) {
        groupSizes[groupSizes.length - 1]!++;
        groupArgs[groupArgs.length - claims.length - 2]!++;
      } else {
        groupSizes.push(1);
        groupArgs.push(1, repeats ? -claims.length : claims.length, ...claims);
        last = signature;
      }
    }
    try {
      const answer = await this.#redis.loopgateCapTake(keys.length, keys, [this.#nowMs(), this.#graceMs, claimIndex.size], claimArgs, [groupSizes.length], groupArgs);
      const takes: CapTake[] = [];
      for (let g = 0; g < groupSizes.length; g++) {
        const taken = answer[2 * g]!;
        const refused: CapTake = { taken: false, full: answer[2 * g + 1]! - 1 };
        for (let i = 0; i < groupSizes[g]!; i++) takes.push(i < taken ? TAKEN : refused);
      }
      return { ok: true, takes };
    } catch (err) {
      return { ok: false, reason: classify(err), detail: describe(err) };
    }
  }

  async give(batch: readonly (readonly CapKey[])[]): Promise<CapGiveResult> {
    const keys: string[] = [];
    const keyIndex = new Map<string, number>();
    /** (key index, window start) → how many to give back. */
    const counts = new Map<string, [number, number, number]>();
    for (const entry of batch) {
      for (const k of entry) {
        const id = `${k.key}\u0001${k.windowStartMs}`;
        const c = counts.get(id);
        if (c) c[2]++;
        else counts.set(id, [this.#indexOf(k.key, keys, keyIndex), k.windowStartMs, 1]);
      }
    }
    if (counts.size === 0) return { ok: true };
    try {
      await this.#redis.loopgateCapGive(keys.length, keys, [...counts.values()].flat());
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: classify(err), detail: describe(err) };
    }
  }

  async close(): Promise<void> {
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
  }

  /** The 1-based KEYS index of a cap key in this call, adding it on first use. */
  #indexOf(capKey: string, keys: string[], index: Map<string, number>): number {
    let i = index.get(capKey);
    if (i === undefined) {
      keys.push(this.#redisKey(capKey));
      i = keys.length;
      index.set(capKey, i);
    }
    return i;
  }

  /**
   * `prefix + cap id + ':' + digest`: the cap id keeps keys readable (SCAN loopgate:cap:per-tenant:*);
   * the digest keeps attribute values (the sender's text) out of Redis and every key short.
   */
  #redisKey(capKey: string): string {
    let k = this.#keyCache.get(capKey);
    if (k !== undefined) return k;
    const sep = capKey.indexOf('\u0000');
    const id = sep < 0 ? capKey : capKey.slice(0, sep);
    k = `${this.#prefix}${id}:${createHash('sha256').update(capKey).digest('base64url').slice(0, 22)}`;
    if (this.#keyCache.size >= KEY_CACHE_SIZE) this.#keyCache.clear();
    this.#keyCache.set(capKey, k);
    return k;
  }
}

const KEY_CACHE_SIZE = 10_000;

function tlsOptions(t: NonNullable<RedisCapStoreOptions['tls']>): ConnectionOptions {
  return {
    ...(t.caFile !== undefined && { ca: readFileSync(t.caFile) }),
    ...(t.certFile !== undefined && { cert: readFileSync(t.certFile) }),
    ...(t.keyFile !== undefined && { key: readFileSync(t.keyFile) }),
    ...(t.serverName !== undefined && { servername: t.serverName }),
    rejectUnauthorized: !(t.insecureSkipVerify ?? false),
  };
}

/** How ioredis says the connection is not there (no offline queue, closed, or dropped mid-call). */
const NOT_CONNECTED = /stream isn't writeable|connection is closed|max retries per request/i;

function classify(err: unknown): CapStoreFailure {
  if (!(err instanceof Error)) return 'error';
  if (/command timed out/i.test(err.message)) return 'timeout';
  if (NOT_CONNECTED.test(err.message) || err.name === 'MaxRetriesPerRequestError' || /^E[A-Z]+$/.test((err as NodeJS.ErrnoException).code ?? '')) return 'unavailable';
  return 'error';
}

/**
 * What went wrong, for the log: a reply error's code word (OOM, NOAUTH, NOPERM…) or the client's own
 * message (connection refused, stream not writeable…). Never a key or an argument.
 */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  if (err.name === 'ReplyError') return `reply ${err.message.split(' ', 1)[0]}`;
  const code = (err as NodeJS.ErrnoException).code;
  return (code ? `${code}: ` : '') + err.message.slice(0, 160);
}

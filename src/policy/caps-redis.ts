/**
 * Caps counted in one Redis that every replica shares (cap_store.redis), so "at most N per window"
 * holds across all of them.
 *
 * One request's claims are ONE script call (EVALSHA; Redis runs a script atomically, nothing else runs
 * in between: https://redis.io/docs/latest/develop/interact/programmability/eval-intro/), with the same
 * meaning as the in-memory store, entry by entry in order, each all or nothing. The give-back of a
 * refused request is one script call too.
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
 * KEYS: the distinct counters. ARGV: now (the caller's clock, ms), grace (ms), the number of entries,
 * then per entry: its key count n and n × (key index, limit, window start, window ms).
 * Returns per entry 0 (taken) or the 1-based index of its first full key.
 * Window starts are kept as the caller's text (never re-formatted from a Lua number), so the give
 * script can compare them exactly.
 */
const TAKE_SCRIPT = `
local now = tonumber(ARGV[1])
local grace = tonumber(ARGV[2])
local entries = tonumber(ARGV[3])
local start, startText, count, window, dirty = {}, {}, {}, {}, {}
local function load(k)
  if start[k] == nil then
    local v = redis.call('HMGET', KEYS[k], 's', 'c')
    start[k] = tonumber(v[1]) or -1
    startText[k] = v[1]
    count[k] = tonumber(v[2]) or 0
  end
end
local out = {}
local p = 4
for e = 1, entries do
  local n = tonumber(ARGV[p])
  p = p + 1
  local first = p
  local full = 0
  local pending = {}
  for j = 1, n do
    if full == 0 then
      local k = tonumber(ARGV[p])
      local limit = tonumber(ARGV[p + 1])
      local ws = tonumber(ARGV[p + 2])
      load(k)
      local used = pending[k] or 0
      if start[k] >= ws then used = used + count[k] end
      if used >= limit then full = j else pending[k] = (pending[k] or 0) + 1 end
    end
    p = p + 4
  end
  if full == 0 then
    for q = first, first + 4 * (n - 1), 4 do
      local k = tonumber(ARGV[q])
      local ws = tonumber(ARGV[q + 2])
      if start[k] < ws then
        start[k] = ws
        startText[k] = ARGV[q + 2]
        count[k] = 0
      end
      count[k] = count[k] + 1
      window[k] = tonumber(ARGV[q + 3])
      dirty[k] = true
    end
  end
  out[e] = full
end
for k in pairs(dirty) do
  redis.call('HSET', KEYS[k], 's', startText[k], 'c', count[k])
  local ttl = start[k] + window[k] - now
  if ttl < 0 then ttl = 0 end
  redis.call('PEXPIRE', KEYS[k], math.floor(ttl + grace))
end
return out
`;

/* KEYS: the distinct counters. ARGV: pairs (key index, window start). Never below 0, never into another window. */
const GIVE_SCRIPT = `
for i = 1, #ARGV, 2 do
  local key = KEYS[tonumber(ARGV[i])]
  local v = redis.call('HMGET', key, 's', 'c')
  if v[1] == ARGV[i + 1] and (tonumber(v[2]) or 0) > 0 then redis.call('HINCRBY', key, 'c', -1) end
end
return 0
`;

interface CapScripts {
  loopgateCapTake(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
  loopgateCapGive(numKeys: number, ...args: (string | number)[]): Promise<number>;
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
    const index = new Map<string, number>();
    const args: (string | number)[] = [this.#nowMs(), this.#graceMs, batch.length];
    for (const entry of batch) {
      args.push(entry.length);
      for (const k of entry) args.push(this.#indexOf(k.key, keys, index), k.limit, k.windowStartMs, k.windowMs);
    }
    try {
      const full = await this.#redis.loopgateCapTake(keys.length, ...keys, ...args);
      const takes: CapTake[] = new Array(batch.length);
      for (let i = 0; i < batch.length; i++) takes[i] = full[i] === 0 ? TAKEN : { taken: false, full: full[i]! - 1 };
      return { ok: true, takes };
    } catch (err) {
      return { ok: false, reason: classify(err), detail: describe(err) };
    }
  }

  async give(batch: readonly (readonly CapKey[])[]): Promise<CapGiveResult> {
    const keys: string[] = [];
    const index = new Map<string, number>();
    const args: (string | number)[] = [];
    for (const entry of batch) for (const k of entry) args.push(this.#indexOf(k.key, keys, index), k.windowStartMs);
    if (args.length === 0) return { ok: true };
    try {
      await this.#redis.loopgateCapGive(keys.length, ...keys, ...args);
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

function classify(err: unknown): CapStoreFailure {
  const message = err instanceof Error ? err.message : '';
  if (/timed out/i.test(message)) return 'timeout';
  if ((err as { name?: string }).name === 'ReplyError') return 'error';
  return 'unavailable';
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

/**
 * The cap store the gateway config asks for: one Redis shared by every replica (cap_store.redis), or,
 * unset, this process's memory. A Redis that does not answer yet is not a startup failure: in a
 * cluster it may come up after the gateway; until it answers, caps do what on_unavailable says.
 */
import type { RedisCapStoreConfig } from '../config/types.js';
import { InMemoryCapStore, type CapStore } from '../policy/caps.js';
import type { RedisCapStore } from '../policy/caps-redis.js';
import type { OnUnavailable } from './cap-admission.js';

export interface OpenedCapStore {
  store: CapStore;
  onUnavailable: OnUnavailable;
}

export interface CapStoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** How long start-up waits for a first connection before serving anyway. */
const FIRST_CONNECT_WAIT_MS = 2_000;

export async function openCapStore(config: { redis: RedisCapStoreConfig } | undefined, logger: CapStoreLogger): Promise<OpenedCapStore> {
  if (config === undefined) return { store: new InMemoryCapStore(), onUnavailable: 'closed' };
  const r = config.redis;
  // ioredis (~24 MiB of RSS once loaded) only for a gateway whose caps are counted in Redis.
  const { RedisCapStore: Store } = await import('../policy/caps-redis.js');
  let store: RedisCapStore;
  try {
    store = new Store({
      host: r.host,
      port: r.port,
      ...(r.username !== undefined && { username: r.username }),
      ...(r.password !== undefined && { password: r.password }),
      db: r.db,
      ...(r.tls && { tls: r.tls }),
      keyPrefix: r.keyPrefix,
      timeoutMs: r.timeoutMs,
    });
  } catch (err) {
    // Only reading the TLS files can throw here.
    throw new Error(`cap_store.redis.tls: ${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`.trim());
  }
  const at = { capStore: 'redis', endpoint: `${r.host}:${r.port}`, db: r.db, tls: r.tls !== undefined, onUnavailable: r.onUnavailable };
  const c = await store.connect(FIRST_CONNECT_WAIT_MS);
  if (c.connected) logger.info(at, 'cap store connected');
  else logger.warn({ ...at, detail: c.detail }, `cap store not reachable yet; until it answers, capped spans are ${r.onUnavailable === 'closed' ? 'discarded (on_unavailable: closed)' : 'admitted uncounted (on_unavailable: open)'}`);
  return { store, onUnavailable: r.onUnavailable };
}

/**
 * The real peers the interop suites run against (an OpenTelemetry Collector, the OTel Python SDK,
 * redis-server, …), found in one place.
 *
 * Where a peer's path comes from, first match wins:
 *   1. its environment variable (e.g. LOOPGATE_OTELCOL=/path/to/otelcol), for a tool you built yourself;
 *   2. `.peers/env`, written by `bash scripts/peers.sh` (which builds or installs every peer);
 *   3. for tools a distribution ships (redis-server), the PATH.
 *
 * An interop suite declares what it needs:
 *
 *   describeWithPeers('Loopgate → Collector', ['otelcol'], (peer) => {
 *     it('…', () => spawn(peer.otelcol, […]));
 *   });
 *
 * When a peer is missing the suite is skipped and ONE line says which tool is missing and how to get
 * it. Under CI (CI=true) a missing peer is a failing test instead: CI never skips an interop suite.
 *
 * Adding a peer: a row in PEERS below, and a set-up script in scripts/peers/ (see scripts/peers.sh).
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';
import { REPO_ROOT } from './fixture-paths.js';

export interface PeerSpec {
  /** The environment variable (and `.peers/env` key) holding the tool's path. */
  env: string;
  /** What the tool is, for the skip line. */
  what: string;
  /** An executable name to look for on PATH when neither the variable nor `.peers/env` has one. */
  onPath?: string;
}

export const PEERS = {
  otelcol: {
    env: 'LOOPGATE_OTELCOL',
    what: 'an OpenTelemetry Collector with the components of test/peers/otelcol-builder.yaml',
  },
  python: {
    env: 'LOOPGATE_PYTHON',
    what: 'a Python with the OpenTelemetry SDK and OTLP exporters of test/peers/requirements.txt',
  },
  redisServer: {
    env: 'LOOPGATE_REDIS_SERVER',
    what: 'redis-server',
    onPath: 'redis-server',
  },
  kubernetesValidate: {
    env: 'LOOPGATE_KUBERNETES_VALIDATE',
    what: 'kubernetes-validate with the pins of test/peers/requirements-kubernetes.txt',
  },
} as const satisfies Record<string, PeerSpec>;

export type PeerName = keyof typeof PEERS;

/** How to get every peer; printed in each skip line. */
export const SET_UP_COMMAND = 'bash scripts/peers.sh';

export interface PeerSources {
  env: Readonly<Record<string, string | undefined>>;
  /** The `.peers/env` file scripts/peers.sh writes. */
  envFile: string;
}

export function defaultSources(): PeerSources {
  const dir = process.env.LOOPGATE_PEERS_DIR ?? join(REPO_ROOT, '.peers');
  return { env: process.env, envFile: join(dir, 'env') };
}

export type PeerLookup = { found: true; path: string } | { found: false; reason: string };

/** `KEY=value` lines (comments and blank lines ignored), as scripts/peers.sh writes them. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function findPeer(name: PeerName, sources: PeerSources = defaultSources()): PeerLookup {
  const spec: PeerSpec = PEERS[name];
  const fromEnv = sources.env[spec.env];
  if (fromEnv !== undefined && fromEnv !== '') {
    return isExecutable(fromEnv)
      ? { found: true, path: fromEnv }
      : { found: false, reason: `${spec.env}=${fromEnv} is not an executable file` };
  }
  const file = existsSync(sources.envFile) ? parseEnvFile(readFileSync(sources.envFile, 'utf8')) : undefined;
  const fromFile = file?.[spec.env];
  if (fromFile !== undefined && isExecutable(fromFile)) return { found: true, path: fromFile };
  if (spec.onPath !== undefined) {
    const found = onPath(spec.onPath, sources.env.PATH);
    if (found !== undefined) return { found: true, path: found };
  }
  const where =
    fromFile !== undefined
      ? `${sources.envFile} names ${fromFile}, which is not an executable file`
      : `${spec.env} is not set${file ? `, ${sources.envFile} has no ${spec.env}` : `, no ${sources.envFile}`}${spec.onPath ? `, no ${spec.onPath} on PATH` : ''}`;
  return { found: false, reason: `missing ${spec.what} (${where})` };
}

export type Resolved<N extends PeerName> = { ok: true; paths: Record<N, string> } | { ok: false; line: string };

/** Looks up every peer a suite needs; when one is missing, the ONE line to print for the suite. */
export function resolvePeers<N extends PeerName>(title: string, needs: readonly N[], sources: PeerSources = defaultSources()): Resolved<N> {
  const paths = {} as Record<N, string>;
  const missing: string[] = [];
  for (const name of needs) {
    const r = findPeer(name, sources);
    if (r.found) paths[name] = r.path;
    else missing.push(r.reason);
  }
  if (missing.length === 0) return { ok: true, paths };
  return { ok: false, line: `interop suite "${title}" skipped: ${missing.join('; ')}. Get it: ${SET_UP_COMMAND}` };
}

export function isCI(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return env.CI === 'true' || env.CI === '1';
}

/**
 * `describe` for a suite that needs real peers. `body` gets their paths; it runs at collection even
 * when the suite is skipped (vitest collects skipped suites too), so read the paths inside `it` or
 * hooks: reading one of a skipped suite throws with the skip line.
 */
export function describeWithPeers<N extends PeerName>(title: string, needs: readonly N[], body: (peer: Readonly<Record<N, string>>) => void): void {
  const resolved = resolvePeers(title, needs);
  if (resolved.ok) {
    describe(title, () => body(resolved.paths));
    return;
  }
  const { line } = resolved;
  if (isCI()) {
    describe(title, () => {
      it('has the peers it needs (CI never skips an interop suite)', () => {
        throw new Error(line.replace('skipped', 'cannot run in CI'));
      });
    });
    return;
  }
  console.warn(line);
  const unavailable = new Proxy({} as Record<N, string>, {
    get() {
      throw new Error(line);
    },
  });
  describe.skipIf(true)(title, () => body(unavailable));
}

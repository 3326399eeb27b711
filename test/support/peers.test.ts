import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPeer, isCI, parseEnvFile, resolvePeers, type PeerSources } from './peers.js';

const dir = mkdtempSync(join(tmpdir(), 'loopgate-peers-'));
const tool = join(dir, 'redis-server');
writeFileSync(tool, '#!/bin/sh\n');
chmodSync(tool, 0o755);
const notExecutable = join(dir, 'plain');
writeFileSync(notExecutable, '');
const envFile = join(dir, 'env');
writeFileSync(envFile, `# comment\nLOOPGATE_OTELCOL=${tool}\nLOOPGATE_PYTHON=${join(dir, 'gone')}\n`);

const sources = (env: Record<string, string>, file = envFile): PeerSources => ({ env, envFile: file });

describe('peer discovery', () => {
  it('reads the KEY=value lines scripts/peers.sh writes', () => {
    expect(parseEnvFile('# x\nA_B=/p/q\n\nbad line\nC=\n')).toEqual({ A_B: '/p/q', C: '' });
  });

  it('takes the environment variable first, then .peers/env, then PATH', () => {
    expect(findPeer('otelcol', sources({ LOOPGATE_OTELCOL: process.execPath }))).toEqual({ found: true, path: process.execPath });
    expect(findPeer('otelcol', sources({}))).toEqual({ found: true, path: tool });
    expect(findPeer('redisServer', sources({ PATH: `/nonexistent:${dir}` }))).toEqual({ found: true, path: tool });
  });

  it('says why a peer is missing', () => {
    expect(findPeer('otelcol', sources({ LOOPGATE_OTELCOL: notExecutable }))).toEqual({
      found: false,
      reason: `LOOPGATE_OTELCOL=${notExecutable} is not an executable file`,
    });
    expect(findPeer('python', sources({}))).toEqual({
      found: false,
      reason: expect.stringContaining(`${envFile} names ${join(dir, 'gone')}, which is not an executable file`),
    });
    const none = findPeer('redisServer', sources({ PATH: '/nonexistent' }, join(dir, 'no-such-env')));
    expect(none).toEqual({ found: false, reason: expect.stringMatching(/^missing redis-server \(LOOPGATE_REDIS_SERVER is not set, no .*no-such-env, no redis-server on PATH\)$/) });
  });

  it('gives a suite ONE line naming every missing tool and how to get them', () => {
    const r = resolvePeers('Loopgate → Collector', ['otelcol', 'python'], sources({}, join(dir, 'no-such-env')));
    expect(r.ok).toBe(false);
    const line = !r.ok ? r.line : '';
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(/^interop suite "Loopgate → Collector" skipped: missing an OpenTelemetry Collector .*; missing a Python /);
    expect(line).toContain('LOOPGATE_OTELCOL is not set');
    expect(line).toContain('LOOPGATE_PYTHON is not set');
    expect(line).toMatch(/Get it: bash scripts\/peers\.sh$/);
    expect(resolvePeers('s', ['otelcol'], sources({}))).toEqual({ ok: true, paths: { otelcol: tool } });
  });

  it.each([
    [{ CI: 'true' }, true],
    [{ CI: '1' }, true],
    [{ CI: 'false' }, false],
    [{}, false],
  ])('CI %j → %s', (env, ci) => expect(isCI(env)).toBe(ci));
});

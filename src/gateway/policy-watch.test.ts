/**
 * Policy updates as Kubernetes delivers a ConfigMap volume, on a real folder: the files are symlinks
 * through `..data` into a timestamped folder, and an update writes a new timestamped folder, points
 * `..data_tmp` at it, renames `..data_tmp` over `..data` (atomic) and removes the old folder. Two
 * gateways watch the same mount, as two replicas on one node would: both reload, and both stamp the
 * same new version, because the version is the policy's content hash.
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeTracesProtobuf } from '../otlp/encode-protobuf.js';
import { getStringAttribute } from '../otlp/model.js';
import { loadPolicy } from '../policy/load.js';
import { createLogger } from '../telemetry/logger.js';
import { gatewayConfig } from '../../test/support/gateway-config.js';
import { REPO_ROOT } from '../../test/support/fixture-paths.js';
import { startOtlpSink, type OtlpSink } from '../../test/support/otlp-sink.js';
import { genAiTraces } from '../../test/support/spans.js';
import { startGateway, type RunningGateway } from './start.js';

const REDACT_ALL = readFileSync(join(REPO_ROOT, 'policies/examples/redact-all.yaml'), 'utf8');
const EVAL_ALL = REDACT_ALL.replace('class: broad-use', 'class: eval-only').replace('id: everything-broad', 'id: everything-eval');

/** A ConfigMap volume as the kubelet lays it out, and its atomic update. */
class ConfigMapVolume {
  #generation = 0;
  #current: string | undefined;

  constructor(readonly dir: string) {}

  /** Writes the files into a new timestamped folder and swaps `..data` to it (the first call creates the links). */
  publish(files: Record<string, string>): void {
    const stamped = `..2026_01_31_10_00_${String(this.#generation++).padStart(2, '0')}.123456789`;
    mkdirSync(join(this.dir, stamped));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(this.dir, stamped, name), text);
    if (this.#current === undefined) {
      symlinkSync(stamped, join(this.dir, '..data'));
      for (const name of Object.keys(files)) symlinkSync(join('..data', name), join(this.dir, name));
    } else {
      symlinkSync(stamped, join(this.dir, '..data_tmp'));
      renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
      rmSync(join(this.dir, this.#current), { recursive: true });
    }
    this.#current = stamped;
  }
}

const running: RunningGateway[] = [];
let sink: OtlpSink | undefined;
afterEach(async () => {
  for (const g of running.splice(0)) await g.close();
  await sink?.close();
  sink = undefined;
});

const until = async (cond: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
};

async function gatewayOn(policy: string, sinkUrl: string): Promise<RunningGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'loopgate-cm-gw-'));
  const text = [
    'receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }',
    `policy: ${JSON.stringify(policy)}`,
    `exporters: { otlphttp/sink: { endpoint: "${sinkUrl}" } }`,
    'routes: { broad-use: [otlphttp/sink], eval-only: [otlphttp/sink] }',
    'service: { telemetry: { metrics: { address: "127.0.0.1:0" } } }',
    '',
  ].join('\n');
  const g = await startGateway(gatewayConfig(text, join(dir, 'loopgate.yaml')), { env: {}, logger: createLogger({ level: 'silent' }), watchPolicy: true });
  running.push(g);
  return g;
}

function versionOf(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'loopgate-cm-expected-'));
  writeFileSync(join(dir, 'policy.yaml'), text);
  const r = loadPolicy(join(dir, 'policy.yaml'), { env: {} });
  if (!r.ok) throw new Error('policy must load');
  return r.policy.version;
}

describe('policy reload from a Kubernetes ConfigMap volume (the ..data symlink swap)', () => {
  for (const shape of ['file', 'folder'] as const) {
    it(`reloads on the swap, on every replica, to the version of the new content (policy: the ${shape})`, async () => {
      sink = await startOtlpSink();
      const volume = new ConfigMapVolume(mkdtempSync(join(tmpdir(), 'loopgate-cm-')));
      volume.publish({ 'policy.yaml': REDACT_ALL });
      const policyPath = shape === 'file' ? join(volume.dir, 'policy.yaml') : volume.dir;
      const replicas = [await gatewayOn(policyPath, sink.url), await gatewayOn(policyPath, sink.url)];
      const v1 = versionOf(REDACT_ALL);
      for (const g of replicas) expect(g.policy.current.version).toBe(v1);

      volume.publish({ 'policy.yaml': EVAL_ALL });
      const v2 = versionOf(EVAL_ALL);
      expect(v2).not.toBe(v1);
      await until(() => replicas.every((g) => g.policy.current.version === v2));

      for (const g of replicas) {
        const res = await fetch(`${g.receiverUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: encodeTracesProtobuf(genAiTraces(1, 'acme')) });
        expect(res.status).toBe(200);
      }
      await sink.waitForSpans(2);
      for (const s of sink.spans()) {
        expect(getStringAttribute(s.attributes, 'loopgate.policy.version')).toBe(v2);
        expect(getStringAttribute(s.attributes, 'loopgate.class')).toBe('eval-only');
      }

      // A second update, and a swap back: the watch keeps working after the old folders are gone.
      volume.publish({ 'policy.yaml': REDACT_ALL });
      await until(() => replicas.every((g) => g.policy.current.version === v1));
    });
  }
});

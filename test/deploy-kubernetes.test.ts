/**
 * The Kubernetes manifests in deploy/kubernetes/ are part of the product:
 *   - every manifest validates against the Kubernetes 1.37 schemas with a real validator
 *     (kubernetes-validate --strict, from PyPI with its schemas bundled; a peer of scripts/peers.sh);
 *   - every gateway config and policy they carry loads with Loopgate's own loaders;
 *   - and what no schema checks holds: each `${env:NAME}` the config reads is set on the container,
 *     the config and policy are mounted where the command line and the config look for them (the
 *     policy as a whole folder, so ConfigMap updates arrive), Services and the PodDisruptionBudget
 *     select the pods, probes hit /readyz and /healthz on the metrics port the config listens on,
 *     the grace period outlasts preStop plus service.shutdown_timeout, and memory limits cover the
 *     memory rule (src/config/sizing.ts, the README's).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseGatewayConfig, type GatewayConfig } from '../src/config/index.js';
import { peakRssEstimate } from '../src/config/sizing.js';
import { validatePolicyPaths } from '../src/policy/load.js';
import { formatDiagnostic } from '../src/yaml/index.js';
import { REPO_ROOT } from './support/fixture-paths.js';
import { describeWithPeers } from './support/peers.js';

const DIR = join(REPO_ROOT, 'deploy/kubernetes');
/** RSS of a gateway before any limit fills: the peak of `npm run bench`, whose queues stay small. */

function manifestFiles(dir = DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? manifestFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : [],
  );
}

// Loosely typed views of the objects (the validator checks the schema; these read what they need).
type Obj = Record<string, any>;
const objects: { file: string; obj: Obj }[] = manifestFiles().flatMap((file) =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((d) => ({ file: relative(REPO_ROOT, file), obj: d.toJS() as Obj })),
);
const byKind = (kind: string): { file: string; obj: Obj }[] => objects.filter((o) => o.obj.kind === kind);
const configMap = (name: string): Obj => byKind('ConfigMap').find((c) => c.obj.metadata.name === name)!.obj;

/** Pods that run Loopgate, with the container that runs it. */
const workloads = [...byKind('Deployment'), ...byKind('StatefulSet')].flatMap(({ file, obj }) => {
  const spec = obj.spec.template.spec;
  const all = [...(spec.initContainers ?? []), ...spec.containers];
  const loopgate = all.find((c: Obj) => String(c.image).startsWith('loopgate:'));
  return loopgate ? [{ file, name: obj.metadata.name as string, workload: obj, pod: spec, container: loopgate as Obj }] : [];
});

const mebibytes = (q: string): number => {
  const m = /^(\d+)(Mi|Gi)$/.exec(q);
  if (!m) throw new Error(`unexpected memory quantity ${q}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
};

function loadedConfig(w: (typeof workloads)[number]): { config: GatewayConfig; text: string } {
  const configArg = w.container.args[w.container.args.indexOf('--config') + 1] as string;
  const mount = w.container.volumeMounts.find((m: Obj) => configArg.startsWith(`${m.mountPath}/`));
  expect(mount, `${w.file}: --config ${configArg} is under a mounted volume`).toBeDefined();
  const volume = w.pod.volumes.find((v: Obj) => v.name === mount.name);
  const text = configMap(volume.configMap.name).data[configArg.slice(mount.mountPath.length + 1)] as string;
  expect(text, `${w.file}: the ConfigMap holds ${configArg}`).toBeDefined();
  // Every variable the config reads must be set on the container; the test gives each a placeholder.
  const env: Record<string, string> = {};
  const defined = new Set((w.container.env ?? []).map((e: Obj) => e.name as string));
  for (const [, name] of text.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    expect(defined, `${w.file}: the config reads \${env:${name}}`).toContain(name);
    env[name!] = name === 'REDIS_ADDR' ? 'loopgate-redis:6379' : `placeholder-${name}`;
  }
  const r = parseGatewayConfig(text, configArg, { env });
  if (!r.ok) throw new Error(`${w.file}: ${r.errors.map(formatDiagnostic).join('\n')}`);
  return { config: r.config, text };
}

describe('deploy/kubernetes', () => {
  it('has the gateway Deployment, its Service with 4317, 4318 and the metrics port, a PodDisruptionBudget and the sidecar example', () => {
    expect(workloads.map((w) => w.name).sort()).toEqual(expect.arrayContaining(['chat-app', 'loopgate']));
    const service = byKind('Service').find((s) => s.obj.metadata.name === 'loopgate')!.obj;
    expect(service.spec.ports.map((p: Obj) => p.port).sort()).toEqual([4317, 4318, 8888]);
    expect(byKind('PodDisruptionBudget')).toHaveLength(1);
  });

  for (const w of workloads) {
    describe(`${w.file}: ${w.name}`, () => {
      it('carries a config that loads, a policy that validates, mounted where both are read from', () => {
        const { config } = loadedConfig(w);
        const policyMount = w.container.volumeMounts.find((m: Obj) => m.mountPath === config.policyPath);
        expect(policyMount, 'the policy folder is a whole volume').toBeDefined();
        expect(policyMount.subPath, 'a subPath mount never sees ConfigMap updates').toBeUndefined();
        const volume = w.pod.volumes.find((v: Obj) => v.name === policyMount.name);
        const folder = mkdtempSync(join(tmpdir(), 'loopgate-k8s-policy-'));
        for (const [name, text] of Object.entries(configMap(volume.configMap.name).data as Record<string, string>)) writeFileSync(join(folder, name), text);
        const v = validatePolicyPaths([folder]);
        expect([...v.errors, ...v.warnings].map(formatDiagnostic)).toEqual([]);
      });

      it('is probed on /readyz and /healthz at the metrics address the config serves, and drains within its grace period', () => {
        const { config } = loadedConfig(w);
        const metricsPort = w.container.ports.find((p: Obj) => p.name === 'metrics');
        expect(metricsPort.containerPort).toBe(config.service.metricsAddress.port);
        expect(config.service.metricsAddress.host, 'the kubelet probes the pod IP').toBe('0.0.0.0');
        expect(w.container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
        expect(w.container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
        const http = w.container.ports.find((p: Obj) => p.name === 'otlp-http');
        if (http) expect(http.containerPort).toBe(config.receiver.endpoint.port);
        const grpc = w.container.ports.find((p: Obj) => p.name === 'otlp-grpc');
        if (grpc) expect(grpc.containerPort, 'the pod exposes 4317 only where the config serves gRPC there').toBe(config.receiver.grpc?.endpoint.port);
        const preStop = w.container.lifecycle.preStop.exec.command as string[];
        expect(preStop[0]).toBe('sleep');
        const needed = Number(preStop[1]) + config.service.shutdownTimeoutMs / 1000 + 5;
        expect(w.pod.terminationGracePeriodSeconds, `preStop ${preStop[1]} s + shutdown_timeout + 5 s to exit`).toBeGreaterThanOrEqual(needed);
      });

      it('has memory requests and limits that cover the memory rule', () => {
        const { config } = loadedConfig(w);
        const ruleMiB = peakRssEstimate(config).total / 2 ** 20;
        const { requests, limits } = w.container.resources;
        expect(mebibytes(limits.memory)).toBeGreaterThanOrEqual(ruleMiB);
        expect(mebibytes(requests.memory)).toBe(mebibytes(limits.memory));
      });
    });
  }

  it('Services and the PodDisruptionBudget select the gateway pods, by ports they expose', () => {
    const gateway = workloads.find((w) => w.name === 'loopgate')!;
    const labels = gateway.workload.spec.template.metadata.labels as Record<string, string>;
    const selects = (selector: Record<string, string>): boolean => Object.entries(selector).every(([k, v]) => labels[k] === v);
    for (const { obj } of byKind('Service').filter((s) => s.obj.metadata.name.startsWith('loopgate') && s.obj.metadata.name !== 'loopgate-redis')) {
      expect(selects(obj.spec.selector), obj.metadata.name).toBe(true);
      for (const p of obj.spec.ports) expect(gateway.container.ports.map((c: Obj) => c.name)).toContain(p.targetPort);
    }
    expect(selects(byKind('PodDisruptionBudget')[0]!.obj.spec.selector.matchLabels)).toBe(true);
    expect(selects(gateway.workload.spec.selector.matchLabels)).toBe(true);
  });
});

describeWithPeers('deploy/kubernetes with kubernetes-validate', ['kubernetesValidate'], (peer) => {
  it('every manifest validates against the Kubernetes schemas, strictly (unknown fields are errors)', () => {
    const files = manifestFiles();
    expect(files.length).toBeGreaterThanOrEqual(6);
    expect(execFileSync(peer.kubernetesValidate, ['--version'], { encoding: 'utf8' }).trim()).toBe('1.37.0');
    let out: string;
    try {
      out = execFileSync(peer.kubernetesValidate, ['--strict', '--kubernetes-version', '1.37.0', ...files], { encoding: 'utf8', timeout: 120_000 });
    } catch (err) {
      throw new Error(`kubernetes-validate refused a manifest:\n${(err as { stdout?: string }).stdout ?? ''}${(err as { stderr?: string }).stderr ?? ''}`);
    }
    expect(out.match(/ passed for resource /g)?.length).toBe(objects.length);
  });
});

/**
 * The entry of the short-lived thread that reads the gateway's files (files-thread.ts): the config
 * file, then the policy, parsed and checked against their schemas, answered as plain data; and, for
 * the issues a compile reported, their file:line:col in the policy it read last. One request at a
 * time, in order. When it ends, the YAML parser, zod and both schemas end with its isolate.
 */
import { parentPort } from 'node:worker_threads';
import { loadGatewayConfig } from '../config/load.js';
import { readPolicy, type ReadPolicy } from '../policy/read-policy.js';
import type { FilesReply, FilesRequest } from './files-thread.js';

let policy: ReadPolicy | undefined;

async function answer(m: FilesRequest): Promise<FilesReply> {
  switch (m.t) {
    case 'config': {
      const r = await loadGatewayConfig(m.path, { env: m.env });
      return r.ok ? { t: 'config', ok: true, config: r.config } : { t: 'config', ok: false, errors: r.errors };
    }
    case 'policy':
      policy = readPolicy(m.path);
      return { t: 'policy', sources: policy.sources, errors: policy.errors };
    case 'diagnose':
      if (policy === undefined) throw new Error('diagnose before any policy was read');
      return { t: 'diagnosed', diagnostics: policy.diagnose(m.issues) };
  }
}

const port = parentPort!;
let queue = Promise.resolve();
port.on('message', (m: FilesRequest) => {
  queue = queue.then(async () => port.postMessage(await answer(m)));
});

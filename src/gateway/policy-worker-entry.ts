/**
 * The entry of a policy worker thread: installs the word table the main thread shares (workerData)
 * before policy-worker.ts and with it the detectors are imported, so this isolate adopts that table
 * instead of loading the name lexicon and building its own (shared-word-table.ts). Hence the dynamic
 * import: a static one would be evaluated before the table is installed.
 */
import { workerData } from 'node:worker_threads';
import { installWordTable } from '../policy/detect/lexicon/shared-word-table.js';
import type { WorkerInit } from './policy-worker-protocol.js';

const shared = (workerData as WorkerInit).wordTable;
if (shared !== undefined) installWordTable(shared);
await import('./policy-worker.js');

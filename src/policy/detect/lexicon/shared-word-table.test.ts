/**
 * A policy worker adopts the main thread's word table (shared-word-table.ts) instead of building its
 * own: a real worker thread installs the shared cells, then answers the same flags for every word of
 * the name lexicon and the same PERSON findings, and never loads the name lexicon module.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { findPersons } from '../detectors/person.js';
import type { Finding } from '../types.js';
import { loadsNameLexicon, sharedWordTable, wordTable, WordTable } from './lexicon.js';
import { NAME_GROUPS } from './names-data.js';

const TEXTS = [
  'Please forward the invoice to Maria García and cc Dr. Priya Natarajan before Friday.',
  'Thanks,\nJohn\n\nname: Wei Zhang\nemail: w.zhang@example.com',
  'Grace period ends in May; Bill said the Rose Garden is closed.',
];

/** Runs in the worker: install first, only then import the detectors (as policy-worker-entry.ts does). */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  (await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})).register();
  const { installWordTable } = await import(${JSON.stringify(new URL('./shared-word-table.ts', import.meta.url).href)});
  installWordTable(workerData.table);
  const lexicon = await import(${JSON.stringify(new URL('./lexicon.ts', import.meta.url).href)});
  const { findPersons } = await import(${JSON.stringify(new URL('../detectors/person.ts', import.meta.url).href)});
  const t = lexicon.wordTable();
  const flags = workerData.words.map((w) => t.probe(w, 0, w.length));
  const findings = workerData.texts.map((text) => { const out = []; findPersons(text, out); return out; });
  parentPort.postMessage({ flags, findings, loadsNameLexicon: lexicon.loadsNameLexicon() });
})();`;

function inWorker(data: object): Promise<{ flags: number[]; findings: Finding[][]; loadsNameLexicon: boolean }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { eval: true, workerData: data });
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

describe('shared word table', () => {
  it('a table adopted from share() answers the same flags as the built one, without copying its cells', () => {
    const built = wordTable();
    const adopted = WordTable.adopt(sharedWordTable());
    expect(adopted.size).toBe(built.size);
    expect(sharedWordTable().cells.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (const w of ['Maria', 'GARCÍA', 'priya', 'Mr', 'Dear', 'Paris', 'xyzzyq', 'Natarajan']) {
      expect(adopted.probe(w, 0, w.length)).toBe(built.probe(w, 0, w.length));
    }
    expect(() => adopted.add('anything', 1)).toThrow(/after seal/);
    expect(() => adopted.remove('maria', 1)).toThrow(/after seal/);
  });

  it('refuses cells that share() did not make', () => {
    expect(() => WordTable.adopt({ cells: new Int32Array(16), count: 0 })).toThrow(/shared/);
    expect(() => new WordTable(4).share()).toThrow(/before seal/);
  });

  it('a worker that installed it answers every lexicon word and text alike, and never loads the name lexicon', async () => {
    const words = Object.values(NAME_GROUPS as Record<string, string>).flatMap((g) => g.split(' ').filter((w) => w.length > 0));
    words.push('Dear', 'Thanks', 'Dr', 'Paris', 'Monday', 'xyzzyq');
    const main = words.map((w) => wordTable().probe(w, 0, w.length));
    const expected = TEXTS.map((text) => {
      const out: Finding[] = [];
      findPersons(text, out);
      return out;
    });
    const got = await inWorker({ table: sharedWordTable(), words, texts: TEXTS });
    expect(got.loadsNameLexicon).toBe(false);
    expect(got.flags).toEqual(main);
    expect(got.findings).toEqual(expected);
    expect(expected.flat().length).toBeGreaterThan(0);
    expect(loadsNameLexicon()).toBe(true);
  }, 60_000);
});

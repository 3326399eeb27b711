/**
 * Where the shared material lives: the producer payloads and the PII corpus sit in `shared/` beside the
 * repository (as in CI's checkout), or wherever LOOPGATE_SHARED_DIR points.
 */
import { resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

export const SHARED_DIR = process.env.LOOPGATE_SHARED_DIR ?? resolve(REPO_ROOT, '../shared');
/** Real OTLP payloads from four GenAI instrumentations (see its README.md). */
export const PRODUCERS_DIR = resolve(SHARED_DIR, 'fixtures/producers');
/** The labelled development corpus for detector recall and precision. */
export const PII_DEV_CORPUS = process.env.LOOPGATE_PII_CORPUS ?? resolve(SHARED_DIR, 'corpus/pii-dev.jsonl');

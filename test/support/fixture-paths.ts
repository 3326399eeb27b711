/**
 * Where the test material lives inside the repository. Everything a test, benchmark or doc needs is
 * committed under test/ (see test/fixtures/README.md for provenance); nothing is read from outside the
 * repository, so a bare `git clone` passes `npm ci && npm test` (enforced by test/self-contained.test.ts).
 */
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** Real OTLP trace payloads from four GenAI instrumentations (see its README.md). */
export const PRODUCERS_DIR = resolve(REPO_ROOT, 'test/fixtures/producers');
/** Real OTLP log and trace payloads where the GenAI content travels as log records (see its README.md). */
export const PRODUCERS_LOGS_DIR = resolve(REPO_ROOT, 'test/fixtures/producers-logs');
/** The labelled development corpus for detector recall and precision. */
export const PII_DEV_CORPUS = resolve(REPO_ROOT, 'test/corpus/pii-dev.jsonl');
/** The seeded stress corpus written from real-world formats (test/corpus/generate-stress.ts). */
export const PII_STRESS_CORPUS = resolve(REPO_ROOT, 'test/corpus/stress.jsonl');
/** The seeded detection-breadth corpus (test/corpus/generate-detect-dev.ts): names, addresses, secrets, Presidio's entities. */
export const DETECT_DEV_CORPUS = resolve(REPO_ROOT, 'test/corpus/detect-dev.jsonl');
/** A self-signed certificate (its own CA) and key for TLS servers in tests (see its README.md). */
export const TLS_FIXTURES = { cert: resolve(REPO_ROOT, 'test/fixtures/tls/redis-cert.pem'), key: resolve(REPO_ROOT, 'test/fixtures/tls/redis-key.pem') };

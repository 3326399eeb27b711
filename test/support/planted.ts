/**
 * The synthetic PII and secrets planted in the committed fixtures, read from the "Planted values"
 * table of each fixture folder's README, so the README stays the one list a reader and the tests
 * share. Interop and redaction tests assert that none of these values reaches a sink.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRODUCERS_DIR, PRODUCERS_LOGS_DIR } from './fixture-paths.js';

export interface PlantedValue {
  /** The table's first column, e.g. `email` or `card (Luhn-valid)`. */
  kind: string;
  value: string;
}

/**
 * The rows of the first table under `## Planted values` in `readme`: every `backticked` value of
 * the second column. Throws when the section or table is missing, so a README edit that drops it
 * fails loudly instead of making every "no planted value leaked" assertion vacuous.
 */
export function readPlantedValues(readme: string): PlantedValue[] {
  const lines = readFileSync(readme, 'utf8').split('\n');
  const start = lines.findIndex((l) => /^##\s+Planted values\s*$/.test(l));
  if (start === -1) throw new Error(`${readme}: no "## Planted values" section`);
  const out: PlantedValue[] = [];
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (/^##\s/.test(line)) break;
    if (!line.startsWith('|')) {
      if (inTable) break; // the first table ends at its first non-row line
      continue;
    }
    inTable = true;
    const cells = line.split('|').map((c) => c.trim());
    const [kind, values] = [cells[1] ?? '', cells[2] ?? ''];
    if (kind === 'kind' || /^-+$/.test(kind)) continue; // header and separator rows
    for (const m of values.matchAll(/`([^`]+)`/g)) out.push({ kind, value: m[1]! });
  }
  if (out.length === 0) throw new Error(`${readme}: the "Planted values" table lists no values`);
  return out;
}

/** Planted in test/fixtures/producers (traces from four GenAI instrumentations). */
export const PRODUCERS_PLANTED: readonly PlantedValue[] = readPlantedValues(join(PRODUCERS_DIR, 'README.md'));
/** Planted in test/fixtures/producers-logs (GenAI content as log records). */
export const PRODUCERS_LOGS_PLANTED: readonly PlantedValue[] = readPlantedValues(join(PRODUCERS_LOGS_DIR, 'README.md'));

/** Every planted value of every fixture folder. */
export const ALL_PLANTED: readonly string[] = [...new Set([...PRODUCERS_PLANTED, ...PRODUCERS_LOGS_PLANTED].map((p) => p.value))];

/** The planted values found verbatim in `text` (an exported body, a file a sink wrote): should be none. */
export function leakedValues(text: string, values: readonly string[] = ALL_PLANTED): string[] {
  return values.filter((v) => text.includes(v));
}

/**
 * Defence in depth for what explain prints. Decisions never hold detected values, but two strings in
 * them are built from the payload: locations (an attribute key, or a JSON path made of object keys:
 * a map keyed by e-mail address puts the address in the path) and tenant ids. Before printing, such
 * strings are run through every built-in detector and findings become `<ENTITY>`, whatever detectors
 * the explained policy enables.
 */
import { builtinDetectors, createScanner } from '../policy/detect/index.js';
import type { Scanner } from '../policy/detect/types.js';

export type Scrub = (text: string) => string;

export function scrubberFor(scanner: Scanner): Scrub {
  const cache = new Map<string, string>();
  return (text) => {
    const hit = cache.get(text);
    if (hit !== undefined) return hit;
    const findings = scanner.scan(text);
    let out = text;
    if (findings.length > 0) {
      out = '';
      let pos = 0;
      for (const f of findings) {
        if (f.start < pos) continue;
        out += `${text.slice(pos, f.start)}<${f.entity}>`;
        pos = f.end;
      }
      out += text.slice(pos);
    }
    cache.set(text, out);
    return out;
  };
}

let builtin: Scrub | undefined;

/** A scrubber running all built-in detectors; built once, on first use. */
export function builtinScrubber(): Scrub {
  return (builtin ??= scrubberFor(createScanner(builtinDetectors('all'))));
}

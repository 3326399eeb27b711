/** Secret vectors (true positives and false positives) for the detection-breadth corpus. */
import type { DevCase, Gen } from './generate-detect-dev.js';

export function secretCases(_g: Gen, _out: DevCase[]): void {}

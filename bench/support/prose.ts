/**
 * Clean prose for the detection benches: sentences drawn from a fixed vocabulary with no PII (some
 * with an item count), so the prefilters and the PERSON gate are measured on text that holds nothing.
 */
const WORDS = (
  'the a model answer user request please can you summarise this report about our quarterly results and ' +
  'explain why the deployment failed after we changed configuration for service cluster in region while ' +
  'latency increased during peak traffic so we rolled back to previous release then retried with smaller ' +
  'batch size which helped but some requests still timed out because database connections were exhausted ' +
  'customer asked whether invoice includes tax shipping discount and when order will arrive at warehouse'
).split(' ');

/** About `chars` characters of prose. */
export function prose(random: () => number, chars: number): string {
  let out = '';
  while (out.length < chars) {
    const n = 6 + Math.floor(random() * 14);
    const words: string[] = [];
    for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(random() * WORDS.length)] as string);
    if (random() < 0.3) words.push(`${Math.floor(random() * 500)} items`);
    const s = words.join(' ');
    out += s[0]?.toUpperCase() + s.slice(1) + (random() < 0.2 ? '?\n' : '. ');
  }
  return out;
}

/** `count` prose values of `min`–`max` characters. */
export function proseValues(random: () => number, count: number, min: number, max: number): string[] {
  return Array.from({ length: count }, () => prose(random, min + Math.floor(random() * (max - min))));
}

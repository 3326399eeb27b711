import type { Attributes, Counter } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { Tallies } from './tally.js';

function fakeCounter(): Counter & { adds: [number, Attributes | undefined][] } {
  const adds: [number, Attributes | undefined][] = [];
  return { adds, add: (n: number, a?: Attributes) => void adds.push([n, a]) };
}

describe('Tallies', () => {
  it('hands each series its sum once per flush, and nothing for series not added to since', () => {
    const tallies = new Tallies();
    const c = fakeCounter();
    const plain = tallies.of(c);
    const byEntity = tallies.by(c, (entity: string) => ({ entity }));
    plain.add(2);
    plain.add(3);
    byEntity('EMAIL').add(1);
    byEntity('EMAIL').add(4);
    byEntity('PHONE').add(0);
    expect(c.adds).toEqual([]);
    tallies.flush();
    expect(c.adds).toEqual([
      [5, undefined],
      [5, { entity: 'EMAIL' }],
      // an add of 0 still makes the series, as Counter.add(0) does
      [0, { entity: 'PHONE' }],
    ]);
    tallies.flush();
    expect(c.adds).toHaveLength(3);
    byEntity('PHONE').add(7);
    tallies.flush();
    expect(c.adds[3]).toEqual([7, { entity: 'PHONE' }]);
  });

  it('finds a series by one or two label values without making another, with frozen attributes', () => {
    const tallies = new Tallies();
    const c = fakeCounter();
    const routed = tallies.by2(c, (cls: string | undefined, exporter: string) => (cls === undefined ? { exporter } : { class: cls, exporter }));
    expect(routed('broad-use', 'sink')).toBe(routed('broad-use', 'sink'));
    expect(routed(undefined, 'sink')).not.toBe(routed('broad-use', 'sink'));
    routed(undefined, 'sink').add(1);
    routed('broad-use', 'sink').add(2);
    tallies.flush();
    expect(c.adds).toEqual([
      [1, { exporter: 'sink' }],
      [2, { class: 'broad-use', exporter: 'sink' }],
    ]);
    expect(Object.isFrozen(c.adds[0]![1])).toBe(true);
  });
});

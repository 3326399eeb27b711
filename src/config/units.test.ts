import { describe, expect, it } from 'vitest';
import { formatByteSize, formatDuration, parseByteSize, parseDuration, parseDurationValue, parseHostPort } from './units.js';

describe('parseDuration', () => {
  it.each([
    ['300ms', 300],
    ['5s', 5_000],
    ['1m', 60_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    ['0', 0],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toEqual({ ok: true, value: ms }));

  it.each(['', '5', '5 s', '5sec', '-1s', 's', '1d'])('refuses %j', (text) => {
    expect(parseDuration(text).ok).toBe(false);
  });
});

describe('parseDurationValue', () => {
  it('reads strings as parseDuration does, and the bare number 0', () => {
    expect(parseDurationValue('1m')).toEqual({ ok: true, value: 60_000 });
    expect(parseDurationValue(0)).toEqual({ ok: true, value: 0 });
  });

  it('refuses any other bare number: seconds or milliseconds?', () => {
    expect(parseDurationValue(10)).toEqual({ ok: false, error: 'expected a duration with a unit such as "300ms", "5s" or "1m", got the bare number 10' });
  });
});

describe('parseByteSize', () => {
  it.each<[string | number, number]>([
    [1024, 1024],
    ['1048576', 1_048_576],
    ['512KiB', 524_288],
    ['20MiB', 20 * 1024 * 1024],
    ['1MB', 1_000_000],
    ['2 GiB', 2 * 1024 ** 3],
    ['10b', 10],
  ])('%j → %d bytes', (input, bytes) => expect(parseByteSize(input)).toEqual({ ok: true, value: bytes }));

  it.each<string | number>([-1, 1.5, '20 MiBs', 'big', '1.3b', ''])('refuses %j', (input) => {
    expect(parseByteSize(input).ok).toBe(false);
  });
});

describe('parseHostPort', () => {
  it.each([
    ['127.0.0.1:4318', { host: '127.0.0.1', port: 4318 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    [':4318', { host: '0.0.0.0', port: 4318 }],
    ['[::1]:8888', { host: '::1', port: 8888 }],
  ])('%s', (text, value) => expect(parseHostPort(text)).toEqual({ ok: true, value }));

  it.each(['4318', 'host:', 'host:99999', '::1:80', 'a:b'])('refuses %j', (text) => {
    expect(parseHostPort(text).ok).toBe(false);
  });
});

describe('formatDuration and formatByteSize', () => {
  it.each([
    [0, '0'],
    [300, '300ms'],
    [5_000, '5s'],
    [90_000, '1m30s'],
    [3_601_500, '1h1s500ms'],
  ])('%d ms → %s, which parseDuration reads back', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toEqual({ ok: true, value: ms });
  });

  it.each([
    [1, '1 byte'],
    [1536, '1536 bytes'],
    [512 * 1024, '512KiB'],
    [20 * 1024 * 1024, '20MiB'],
    [2 * 1024 ** 3, '2GiB'],
  ])('%d bytes → %s', (bytes, text) => expect(formatByteSize(bytes)).toBe(text));
});

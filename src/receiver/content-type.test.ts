import { describe, expect, it } from 'vitest';
import { contentCodingOf, encodingOf } from './content-type.js';

describe('content negotiation', () => {
  it.each([
    ['application/x-protobuf', 'protobuf'],
    ['Application/X-Protobuf', 'protobuf'],
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    [' application/json ;charset=UTF-8', 'json'],
    ['application/protobuf', undefined],
    ['text/plain', undefined],
    ['application/jsonx', undefined],
    [undefined, undefined],
  ])('Content-Type %j → %s', (header, expected) => expect(encodingOf(header)).toBe(expected));

  it.each([
    [undefined, 'identity'],
    ['identity', 'identity'],
    ['GZIP', 'gzip'],
    ['x-gzip', 'gzip'],
    ['deflate', 'deflate'],
    ['br', undefined],
    ['zstd', undefined],
    ['gzip, br', undefined],
  ])('Content-Encoding %j → %s', (header, expected) => expect(contentCodingOf(header)).toBe(expected));
});

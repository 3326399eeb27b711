/**
 * Content negotiation for OTLP/HTTP: the request's Content-Type picks the decoder and the encoding of
 * the response (specification: "the server MUST respond with the same Content-Type it received").
 */
import type { Encoding } from '../otlp/codec.js';

/** `application/json; charset=utf-8` → 'json'; media types are case-insensitive (RFC 9110 §8.3.1). */
export function encodingOf(contentType: string | undefined): Encoding | undefined {
  if (contentType === undefined) return undefined;
  const semi = contentType.indexOf(';');
  const media = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (media === 'application/x-protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  return undefined;
}

export type ContentCoding = 'identity' | 'gzip' | 'deflate';

/** Content-Encoding → coding; undefined when unsupported (answered 415). */
export function contentCodingOf(header: string | undefined): ContentCoding | undefined {
  if (header === undefined) return 'identity';
  const value = header.trim().toLowerCase();
  switch (value) {
    case '':
    case 'identity':
      return 'identity';
    case 'gzip':
    case 'x-gzip':
      return 'gzip';
    case 'deflate':
      return 'deflate';
    default:
      return undefined;
  }
}

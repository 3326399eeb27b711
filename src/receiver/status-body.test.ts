import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { encodeStatus } from './status-body.js';

// google/rpc/status.proto, declared here to check our hand-written encoding against a real decoder.
const Status = new protobuf.Type('Status')
  .add(new protobuf.Field('code', 1, 'int32'))
  .add(new protobuf.Field('message', 2, 'string'));

describe('google.rpc.Status body', () => {
  it.each([
    [3, 'cannot decode: bad wire type'],
    [14, 'export queues are full; retry later'],
    [3, 'é'.repeat(200)],
    [0, ''],
  ])('protobuf %d %j decodes with protobufjs', (code, message) => {
    const decoded = Status.toObject(Status.decode(encodeStatus(code, message, 'protobuf')), { defaults: true });
    expect(decoded).toEqual({ code, message });
  });

  it('JSON is {code, message}', () => {
    expect(JSON.parse(new TextDecoder().decode(encodeStatus(8, 'too big', 'json')))).toEqual({ code: 8, message: 'too big' });
  });
});

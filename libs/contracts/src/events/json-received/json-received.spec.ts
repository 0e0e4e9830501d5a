import { decodeCloudEvent } from '../../envelope/cloud-event';
import { validateEvent } from '../../validation/payload-validation';
import { decodeGolden, describeGoldenSample } from '../golden-sample.spec-helper';
import { jsonReceivedV1 } from './json-received.event';
import golden from './json-received.golden.json';

describeGoldenSample(jsonReceivedV1, golden);

describe(jsonReceivedV1.type, () => {
  it('accepts any JSON document: the shape is the sender’s', () => {
    const event = {
      ...decodeGolden(jsonReceivedV1, golden),
      data: { anything: [1, 'two', { three: true }] },
    };
    expect(validateEvent(event)).toMatchObject({ ok: true });
  });

  it('fails to decode bytes that are not JSON, without quoting them', () => {
    const decoded = decodeCloudEvent(golden.headers, Buffer.from('{"mrn": MRN-000123', 'utf8'));
    expect(decoded).toEqual({ ok: false, reason: 'value is not valid JSON (content-type application/json)' });
  });
});

import { decodeCloudEvent } from '../../envelope/cloud-event';
import { hl7InboundKey } from '../../topics/hl7-inbound-key';
import { validateEvent } from '../../validation/payload-validation';
import { decodeGolden, describeGoldenSample } from '../golden-sample.spec-helper';
import { hl7V2ReceivedV1 } from './hl7-v2-received.event';
import golden from './hl7-v2-received.golden.json';

describeGoldenSample(hl7V2ReceivedV1, golden);

describe(hl7V2ReceivedV1.type, () => {
  it('carries the ER7 text unchanged, carriage returns included', () => {
    const event = decodeGolden(hl7V2ReceivedV1, golden);
    expect(typeof event.data).toBe('string');
    expect((event.data as string).split('\r').map((segment) => segment.slice(0, 3))).toEqual([
      'MSH',
      'EVN',
      'PID',
      'PV1',
      '',
    ]);
  });

  it('is keyed by sending facility (MSH-4.1) and patient identifier (PID-3.1)', () => {
    const [msh, , pid] = (golden.value as string).split('\r').map((segment) => segment.split('|'));
    const sendingFacility = msh[3].split('^')[0];
    const patientIdentifier = pid[3].split('~')[0].split('^')[0];
    expect(golden.key).toBe(hl7InboundKey(sendingFacility, patientIdentifier));
  });

  it('accepts a message without a content-type header, taking the registered one', () => {
    const { 'content-type': _omitted, ...headers } = golden.headers;
    const decoded = decodeCloudEvent(headers, Buffer.from(golden.value, 'utf8'));
    expect(decoded).toMatchObject({ ok: true, event: { datacontenttype: 'x-application/hl7-v2+er7' } });
  });

  it('rejects empty text', () => {
    const event = { ...decodeGolden(hl7V2ReceivedV1, golden), data: '' };
    expect(validateEvent(event)).toEqual({ ok: false, errors: ['(root): must be non-empty text'] });
  });
});

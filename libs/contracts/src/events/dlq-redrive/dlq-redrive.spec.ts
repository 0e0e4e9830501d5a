import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { dlqRedriveV1 } from './dlq-redrive.event';
import golden from './dlq-redrive.golden.json';
import { DlqRedrivePayload } from './dlq-redrive.payload';

describeGoldenSample(dlqRedriveV1, golden);

describe(DlqRedrivePayload.name, () => {
  it('takes the offset as a decimal string, since offsets are 64-bit', () => {
    expect(validatePayload(DlqRedrivePayload, { ...golden.value, offset: 1187 })).toEqual({
      ok: false,
      errors: ['offset: matches'],
    });
    expect(
      validatePayload(DlqRedrivePayload, { ...golden.value, offset: '9223372036854775807' }),
    ).toMatchObject({
      ok: true,
    });
  });

  it('requires who redrove it and why', () => {
    expect(validatePayload(DlqRedrivePayload, { ...golden.value, operator: '', reason: undefined })).toEqual({
      ok: false,
      errors: ['operator: isNotEmpty', 'reason: isNotEmpty', 'reason: isString'],
    });
  });
});

import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { ehrPullV1 } from './ehr-pull.event';
import golden from './ehr-pull.golden.json';
import { EhrPullPayload } from './ehr-pull.payload';

describeGoldenSample(ehrPullV1, golden);

describe(EhrPullPayload.name, () => {
  const valid = golden.value;

  it('accepts a first pull with no since', () => {
    const { since: _none, ...first } = valid;
    expect(validatePayload(EhrPullPayload, first)).toMatchObject({ ok: true });
  });

  it('rejects no resource types, a resource type that is not one, and a since that is no time', () => {
    expect(validatePayload(EhrPullPayload, { ...valid, resourceTypes: [], since: 'yesterday' })).toEqual({
      ok: false,
      errors: ['resourceTypes: arrayNotEmpty', 'since: isRfc3339'],
    });
    expect(validatePayload(EhrPullPayload, { ...valid, resourceTypes: ['Patient', 'patient?x=1'] })).toEqual({
      ok: false,
      errors: ['resourceTypes: matches'],
    });
  });
});

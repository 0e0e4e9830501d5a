import { decodeCloudEvent } from '../../envelope/cloud-event';
import { validatePayload } from '../../validation/payload-validation';
import { describeGoldenSample } from '../golden-sample.spec-helper';
import { integrationConfigV1 } from './integration-config.event';
import golden from './integration-config.golden.json';
import { IntegrationConfigPayload } from './integration-config.payload';

describeGoldenSample(integrationConfigV1, golden);

describe(IntegrationConfigPayload.name, () => {
  it('decodes a tombstone (integration deleted) when tombstones are allowed', () => {
    expect(decodeCloudEvent(golden.headers, null, { allowTombstone: true })).toMatchObject({
      ok: true,
      event: { type: integrationConfigV1.type, data: null },
    });
  });

  it('rejects credentials that are not a sealed envelope', () => {
    expect(
      validatePayload(IntegrationConfigPayload, { ...golden.value, credentials: 'plain password!' }),
    ).toEqual({
      ok: false,
      errors: ['credentials: matches'],
    });
  });

  it('requires a cron expression for scheduled synchronization and checks nested settings', () => {
    const value = {
      ...golden.value,
      synchronization: { ...golden.value.synchronization, cron: undefined },
      connection: {
        ...golden.value.connection,
        retryPolicy: { maxAttempts: 0, backoff: 'sometimes', base: 1 },
      },
    };
    expect(validatePayload(IntegrationConfigPayload, value)).toEqual({
      ok: false,
      errors: [
        'connection.retryPolicy.maxAttempts: min',
        'connection.retryPolicy.backoff: isIn',
        'synchronization.cron: matches',
      ],
    });
  });

  it('rejects a version below 1', () => {
    expect(validatePayload(IntegrationConfigPayload, { ...golden.value, version: 0 })).toEqual({
      ok: false,
      errors: ['version: min'],
    });
  });
});

describe('IntegrationConfigPayload required sections', () => {
  it('names a missing connection, synchronization, authentication or retry policy', () => {
    const value = golden.value as unknown as Record<string, unknown> & {
      connection: Record<string, unknown>;
    };
    const { synchronization: _synchronization, connection, ...rest } = value;
    const { authentication: _authentication, retryPolicy: _retryPolicy, ...bareConnection } = connection;
    const outcome = validatePayload(IntegrationConfigPayload, { ...rest, connection: bareConnection });
    expect(outcome.ok ? [] : outcome.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^synchronization: isDefined/),
        expect.stringMatching(/^connection\.authentication: isDefined/),
        expect.stringMatching(/^connection\.retryPolicy: isDefined/),
      ]),
    );
    expect(
      validatePayload(IntegrationConfigPayload, { ...rest, synchronization: value.synchronization }),
    ).toMatchObject({
      ok: false,
      errors: expect.arrayContaining([expect.stringMatching(/^connection: isDefined/)]),
    });
  });
});

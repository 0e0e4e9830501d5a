import type { IntegrationConfigPayload } from '@meridian/contracts';
import { pullProblem } from './sync-jobs.service';
import { scheduleOf } from './sync-scheduler';

const ehr = (synchronization: Partial<IntegrationConfigPayload['synchronization']> = {}, overrides = {}) =>
  ({
    integrationId: 'i-1',
    version: 1,
    facility: 'F',
    systemType: 'ehr',
    systemName: 'EHR',
    connection: {
      type: 'fhir',
      endpoint: 'https://ehr.example/fhir',
      authentication: { type: 'none' },
      timeout: 5000,
      retryPolicy: { maxAttempts: 3, backoff: 'exponential', base: 200 },
    },
    synchronization: {
      enabled: true,
      direction: 'bidirectional',
      frequency: 'real_time',
      conflictResolution: 'manual',
      ...synchronization,
    },
    active: true,
    updatedAt: '2026-11-25T00:00:00Z',
    ...overrides,
  }) as IntegrationConfigPayload;

describe('scheduleOf', () => {
  it('follows the cron in its time zone for scheduled integrations', () => {
    expect(
      scheduleOf(ehr({ frequency: 'scheduled', cron: '0 2 * * *', timeZone: 'Europe/Paris' }), 300),
    ).toEqual({
      trigger: 'scheduled',
      cron: '0 2 * * *',
      timeZone: 'Europe/Paris',
    });
    expect(scheduleOf(ehr({ frequency: 'scheduled', cron: '0 2 * * *' }), 300)).toMatchObject({
      timeZone: 'UTC',
    });
  });

  it('polls real-time integrations at the interval, unless polling is off', () => {
    expect(scheduleOf(ehr(), 60)).toEqual({ trigger: 'polling', everySeconds: 60 });
    expect(scheduleOf(ehr(), 0)).toBeUndefined();
  });

  it('never runs on its own for on-demand integrations or ones that cannot be pulled', () => {
    expect(scheduleOf(ehr({ frequency: 'on_demand' }), 60)).toBeUndefined();
    expect(scheduleOf(ehr({ direction: 'outbound' }), 60)).toBeUndefined();
    expect(scheduleOf(ehr({}, { active: false }), 60)).toBeUndefined();
  });
});

describe('pullProblem', () => {
  it('says why an integration cannot be pulled', () => {
    expect(pullProblem(undefined)).toBe('the integration is not configured');
    expect(pullProblem(ehr({ enabled: false }))).toBe('synchronization is disabled');
    expect(pullProblem(ehr({}, { systemType: 'pms' }))).toBe('only FHIR EHR integrations can be pulled');
    expect(pullProblem(ehr())).toBeUndefined();
  });
});

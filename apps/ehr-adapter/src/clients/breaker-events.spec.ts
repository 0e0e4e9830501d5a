import type { IntegrationLifecyclePayload } from '@meridian/contracts';
import type { LifecyclePublisher } from '@meridian/platform';
import { BreakerEvents } from './breaker-events';

describe('BreakerEvents', () => {
  const published: IntegrationLifecyclePayload[] = [];
  const lifecycle = {
    publish: async (step: IntegrationLifecyclePayload) => void published.push(step),
  } as unknown as LifecyclePublisher;

  beforeEach(() => (published.length = 0));

  it('tells an outage once: failed when it opens, completed when it closes, with one correlation id', async () => {
    const events = new BreakerEvents(lifecycle);
    events.onStateChange('ehr-1', 'closed', 'open');
    events.onStateChange('ehr-1', 'open', 'half_open');
    events.onStateChange('ehr-1', 'half_open', 'open');
    events.onStateChange('ehr-1', 'open', 'half_open');
    events.onStateChange('ehr-1', 'half_open', 'closed');
    await new Promise((resolve) => setImmediate(resolve));
    expect(published.map((e) => [e.integrationId, e.step, e.status])).toEqual([
      ['ehr-1', 'ehr-adapter.circuit-breaker', 'failed'],
      ['ehr-1', 'ehr-adapter.circuit-breaker', 'completed'],
    ]);
    expect(published[0].error).toMatchObject({ class: 'CircuitOpen', retryable: true });
    expect(published[1].error).toBeUndefined();
    expect(published[0].correlationId).toBe(published[1].correlationId);
  });

  it('gives each outage its own correlation id and never throws when publishing fails', async () => {
    const events = new BreakerEvents(lifecycle);
    events.onStateChange('ehr-2', 'closed', 'open');
    events.onStateChange('ehr-2', 'half_open', 'closed');
    events.onStateChange('ehr-2', 'closed', 'open');
    await new Promise((resolve) => setImmediate(resolve));
    expect(published[0].correlationId).not.toBe(published[2].correlationId);

    const failing = new BreakerEvents({
      publish: () => Promise.reject(new Error('broker down')),
    } as unknown as LifecyclePublisher);
    expect(() => failing.onStateChange('ehr-3', 'closed', 'open')).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
  });
});

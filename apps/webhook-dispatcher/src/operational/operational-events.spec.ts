import { isOperationalType, OPERATIONAL_EVENT_TYPES, subscribes } from './operational-events';

describe('operational webhook events', () => {
  const endpoint = (endpointId: string, eventTypes: string[], active = true) => ({
    endpointId,
    eventTypes,
    active,
  });

  it('knows the dispatcher-owned types by prefix', () => {
    expect(isOperationalType(OPERATIONAL_EVENT_TYPES.exhausted)).toBe(true);
    expect(isOperationalType(OPERATIONAL_EVENT_TYPES.endpointDisabled)).toBe(true);
    expect(isOperationalType('endpoint.anything-later')).toBe(true);
    expect(isOperationalType('patient.admitted')).toBe(false);
  });

  it('sends business events to exact and * subscribers that are active', () => {
    expect(subscribes(endpoint('a', ['patient.admitted']), 'patient.admitted', {})).toBe(true);
    expect(subscribes(endpoint('a', ['*']), 'patient.admitted', {})).toBe(true);
    expect(subscribes(endpoint('a', ['result.available']), 'patient.admitted', {})).toBe(false);
    expect(subscribes(endpoint('a', ['*'], false), 'patient.admitted', {})).toBe(false);
  });

  it('sends operational events to exact subscribers only, never to the endpoint they are about', () => {
    const data = { endpointId: 'dead', webhookId: 'msg_x', eventType: 'patient.admitted', attempts: 8 };
    const type = OPERATIONAL_EVENT_TYPES.exhausted;
    expect(subscribes(endpoint('ops', [type]), type, data)).toBe(true);
    expect(subscribes(endpoint('all', ['*']), type, data)).toBe(false);
    expect(subscribes(endpoint('dead', [type, '*']), type, data)).toBe(false);
    expect(subscribes(endpoint('ops', [OPERATIONAL_EVENT_TYPES.endpointDisabled]), type, data)).toBe(false);
  });
});

import { deriveWebhookMessageId, newWebhookMessageId } from './webhook-message-id';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const timeOf = (id: string): number =>
  [...id.slice(4, 14)].reduce((value, char) => value * 32 + CROCKFORD.indexOf(char), 0);

describe('newWebhookMessageId', () => {
  it('is msg_ and a 26-character ULID whose first 10 characters are the time in milliseconds', () => {
    const at = new Date('2026-05-04T03:02:01.123Z');
    const id = newWebhookMessageId(at);
    expect(id).toMatch(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(timeOf(id)).toBe(at.getTime());
  });

  it('sorts as strings in creation order, across milliseconds and within one', () => {
    const start = new Date('2027-01-01T00:00:00Z').getTime();
    const ids = [
      ...Array.from({ length: 500 }, () => newWebhookMessageId(new Date(start))),
      ...Array.from({ length: 500 }, (_, i) => newWebhookMessageId(new Date(start + 1 + Math.floor(i / 7)))),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('keeps increasing when the clock steps back', () => {
    const later = newWebhookMessageId(new Date('2030-01-01T00:00:00Z'));
    const earlier = newWebhookMessageId(new Date('2029-01-01T00:00:00Z'));
    expect(earlier > later).toBe(true);
    expect(timeOf(earlier)).toBe(new Date('2030-01-01T00:00:00Z').getTime());
  });

  it('differs in its random part between processes (fresh module state) in the same millisecond', () => {
    const at = new Date('2031-01-01T00:00:00Z');
    const first = newWebhookMessageId(at);
    let second = '';
    jest.isolateModules(() => {
      // A fresh copy of the module has no memory of the ids above, like another process.
      const fresh = jest.requireActual<typeof import('./webhook-message-id')>('./webhook-message-id');
      second = fresh.newWebhookMessageId(at);
    });
    expect(second.slice(0, 14)).toBe(first.slice(0, 14));
    expect(second.slice(14)).not.toBe(first.slice(14));
  });

  it('refuses times a ULID cannot hold', () => {
    jest.isolateModules(() => {
      const fresh = jest.requireActual<typeof import('./webhook-message-id')>('./webhook-message-id');
      expect(() => fresh.newWebhookMessageId(new Date(-1))).toThrow(RangeError);
      expect(() => fresh.newWebhookMessageId(new Date(Number.NaN))).toThrow(RangeError);
    });
  });
});

describe('deriveWebhookMessageId', () => {
  it('is msg_ and 26 base32 characters, the same for the same parts', () => {
    const id = deriveWebhookMessageId('3f1c2b8e-0000-4000-8000-000000000001', 'ep_1');
    expect(id).toMatch(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(deriveWebhookMessageId('3f1c2b8e-0000-4000-8000-000000000001', 'ep_1')).toBe(id);
  });

  it('differs when any part differs, however the parts are split', () => {
    const ids = new Set([
      deriveWebhookMessageId('event-1', 'ep_1'),
      deriveWebhookMessageId('event-1', 'ep_2'),
      deriveWebhookMessageId('event-2', 'ep_1'),
      deriveWebhookMessageId('event-1e', 'p_1'),
    ]);
    expect(ids.size).toBe(4);
  });
});

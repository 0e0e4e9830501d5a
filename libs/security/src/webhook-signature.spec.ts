import { Webhook } from 'standardwebhooks';
import {
  generateWebhookSecret,
  signWebhook,
  verifyWebhook,
  type WebhookSignatureHeaders,
} from './webhook-signature';

const body = JSON.stringify({
  type: 'patient.admitted',
  timestamp: '2026-01-01T12:00:00Z',
  data: { id: 'p-1' },
});
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

// The specification's published test vector pins the wire format independently of both implementations.
describe('Standard Webhooks test vector', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = 1614265330;
  const payload = '{"test": 2432232314}';
  const expected = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

  it('signs to the published signature', () => {
    expect(signWebhook({ id, timestamp, body: payload, secrets: [secret] })['webhook-signature']).toBe(
      expected,
    );
  });

  it('verifies the published signature', () => {
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': expected,
    };
    expect(
      verifyWebhook({ headers, body: payload, secrets: [secret], now: new Date(timestamp * 1000) }),
    ).toEqual({ ok: true, id, timestamp });
  });
});

describe('generateWebhookSecret', () => {
  it('is whsec_ and base64 of 32 random bytes, different each time', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });

  it('is accepted by the standardwebhooks library', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook({ id: 'msg_1', timestamp: nowSeconds(), body, secrets: [secret] });
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });
});

describe('interoperability with the standardwebhooks library', () => {
  const secret = generateWebhookSecret();

  it('our signature verifies with Webhook.verify (string and Buffer bodies)', () => {
    const timestamp = nowSeconds();
    for (const signed of [body, Buffer.from(body)]) {
      const headers = signWebhook({ id: 'msg_abc', timestamp, body: signed, secrets: [secret] });
      expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
      expect(new Webhook(secret).verify(Buffer.from(body), { ...headers })).toEqual(JSON.parse(body));
    }
  });

  it('a non-ASCII body signs over its UTF-8 bytes on both sides', () => {
    const text = JSON.stringify({ data: { name: 'Müller', note: 'ß → 東京' } });
    // One timestamp for both signatures: two clock reads can fall on either side of a second.
    const timestamp = nowSeconds();
    const headers = signWebhook({ id: 'msg_utf8', timestamp, body: text, secrets: [secret] });
    expect(new Webhook(secret).verify(Buffer.from(text, 'utf8'), { ...headers })).toEqual(JSON.parse(text));

    const theirs = new Webhook(secret).sign('msg_utf8', new Date(timestamp * 1000), text);
    const verified = verifyWebhook({
      headers: { ...headers, 'webhook-signature': theirs },
      body: Buffer.from(text, 'utf8'),
      secrets: [secret],
    });
    expect(verified.ok).toBe(true);
  });

  it("Webhook.sign's signature verifies with ours", () => {
    const now = new Date();
    const signature = new Webhook(secret).sign('msg_theirs', now, body);
    const headers = {
      'webhook-id': 'msg_theirs',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    };
    expect(verifyWebhook({ headers, body, secrets: [secret] })).toEqual({
      ok: true,
      id: 'msg_theirs',
      timestamp: Math.floor(now.getTime() / 1000),
    });
    expect(verifyWebhook({ headers, body: Buffer.from(body), secrets: [secret] }).ok).toBe(true);
  });

  it('the library refuses our signature over a changed body, as ours does', () => {
    const headers = signWebhook({ id: 'msg_t', timestamp: nowSeconds(), body, secrets: [secret] });
    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow(
      'No matching signature found',
    );
  });
});

describe('secret rotation', () => {
  const oldSecret = generateWebhookSecret();
  const newSecret = generateWebhookSecret();
  let headers: WebhookSignatureHeaders;

  beforeEach(() => {
    headers = signWebhook({ id: 'msg_rot', timestamp: nowSeconds(), body, secrets: [newSecret, oldSecret] });
  });

  it('signs once per secret, space-separated, in the order given', () => {
    const signatures = headers['webhook-signature'].split(' ');
    expect(signatures).toHaveLength(2);
    expect(signatures[0]).toBe(
      signWebhook({
        id: 'msg_rot',
        timestamp: Number(headers['webhook-timestamp']),
        body,
        secrets: [newSecret],
      })['webhook-signature'],
    );
    expect(signatures[1]).toBe(
      signWebhook({
        id: 'msg_rot',
        timestamp: Number(headers['webhook-timestamp']),
        body,
        secrets: [oldSecret],
      })['webhook-signature'],
    );
  });

  it('a partner holding only the old, or only the new, secret verifies (library and ours)', () => {
    for (const secret of [oldSecret, newSecret]) {
      expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
      expect(verifyWebhook({ headers, body, secrets: [secret] }).ok).toBe(true);
    }
  });

  it('a receiver holding both secrets verifies a message signed with either one', () => {
    for (const secret of [oldSecret, newSecret]) {
      const single = signWebhook({ id: 'msg_one', timestamp: nowSeconds(), body, secrets: [secret] });
      expect(verifyWebhook({ headers: single, body, secrets: [oldSecret, newSecret] }).ok).toBe(true);
    }
  });

  it('a partner with an unrelated secret does not verify', () => {
    const other = generateWebhookSecret();
    expect(verifyWebhook({ headers, body, secrets: [other] })).toEqual({
      ok: false,
      reason: 'no-matching-signature',
    });
    expect(() => new Webhook(other).verify(body, { ...headers })).toThrow();
  });
});

describe('verifyWebhook refuses', () => {
  const secret = generateWebhookSecret();
  const now = new Date('2026-03-01T10:00:00Z');
  const t = Math.floor(now.getTime() / 1000);
  const signed = signWebhook({ id: 'msg_x', timestamp: t, body, secrets: [secret] });
  const verify = (headers: Record<string, string | string[] | undefined>, rawBody: string | Buffer = body) =>
    verifyWebhook({ headers, body: rawBody, secrets: [secret], now });

  it('accepts the untouched message', () => {
    expect(verify({ ...signed })).toEqual({ ok: true, id: 'msg_x', timestamp: t });
  });

  it('a tampered body, id or timestamp', () => {
    expect(verify({ ...signed }, body.replace('p-1', 'p-2'))).toEqual({
      ok: false,
      reason: 'no-matching-signature',
    });
    expect(verify({ ...signed }, Buffer.from(`${body}\n`))).toEqual({
      ok: false,
      reason: 'no-matching-signature',
    });
    expect(verify({ ...signed, 'webhook-id': 'msg_y' })).toEqual({
      ok: false,
      reason: 'no-matching-signature',
    });
    expect(verify({ ...signed, 'webhook-timestamp': String(t + 1) })).toEqual({
      ok: false,
      reason: 'no-matching-signature',
    });
  });

  it('a tampered signature, and signatures of other versions', () => {
    const [version, mac] = signed['webhook-signature'].split(',');
    const flipped = Buffer.from(mac, 'base64');
    flipped[0] ^= 1;
    const refused = { ok: false, reason: 'no-matching-signature' };
    expect(verify({ ...signed, 'webhook-signature': `${version},${flipped.toString('base64')}` })).toEqual(
      refused,
    );
    expect(verify({ ...signed, 'webhook-signature': `v2,${mac}` })).toEqual(refused);
    expect(verify({ ...signed, 'webhook-signature': `v1a,${mac}` })).toEqual(refused);
    expect(verify({ ...signed, 'webhook-signature': `v1,${mac.slice(0, -2)}` })).toEqual(refused);
    expect(verify({ ...signed, 'webhook-signature': `v1,${mac}AAAA` })).toEqual(refused);
    expect(verify({ ...signed, 'webhook-signature': 'v1,' })).toEqual(refused);
  });

  it('finds the matching signature among others and extra spaces', () => {
    const other = signWebhook({ id: 'msg_x', timestamp: t, body, secrets: [generateWebhookSecret()] });
    const mixed = `v1a,abc  ${other['webhook-signature']} ${signed['webhook-signature']} `;
    expect(verify({ ...signed, 'webhook-signature': mixed })).toEqual({
      ok: true,
      id: 'msg_x',
      timestamp: t,
    });
  });

  it('missing headers', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      expect(verify({ ...signed, [name]: undefined })).toEqual({ ok: false, reason: 'missing-header' });
      expect(verify({ ...signed, [name]: '' })).toEqual({ ok: false, reason: 'missing-header' });
    }
  });

  it('malformed headers, with a reason that quotes none of them', () => {
    for (const headers of [
      { ...signed, 'webhook-timestamp': 'yesterday' },
      { ...signed, 'webhook-timestamp': `${t}.5` },
      { ...signed, 'webhook-timestamp': `-${t}` },
      { ...signed, 'webhook-id': 'msg x' },
      { ...signed, 'webhook-id': 'x'.repeat(257) },
      { ...signed, 'webhook-id': ['msg_x', 'msg_y'] },
    ]) {
      const result = verify(headers);
      expect(result).toEqual({ ok: false, reason: 'malformed-header' });
      expect(JSON.stringify(result)).not.toContain('msg');
    }
  });

  it('reads header names in any case, from a record or a fetch Headers', () => {
    const upper = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verify(upper).ok).toBe(true);
    expect(verifyWebhook({ headers: new Headers(signed), body, secrets: [secret], now }).ok).toBe(true);
    expect(verify({ ...signed, 'webhook-id': ['msg_x'] }).ok).toBe(true);
  });
});

describe('timestamp tolerance', () => {
  const secret = generateWebhookSecret();
  const now = new Date('2026-03-01T10:00:00.900Z');
  const t = Math.floor(now.getTime() / 1000);
  const at = (timestamp: number, toleranceSeconds?: number) =>
    verifyWebhook({
      headers: signWebhook({ id: 'msg_t', timestamp, body, secrets: [secret] }),
      body,
      secrets: [secret],
      now,
      toleranceSeconds,
    });

  it('accepts exactly 300 s either side by default, refuses one second more', () => {
    expect(at(t - 300).ok).toBe(true);
    expect(at(t + 300).ok).toBe(true);
    expect(at(t - 301)).toEqual({ ok: false, reason: 'timestamp-too-old' });
    expect(at(t + 301)).toEqual({ ok: false, reason: 'timestamp-too-new' });
  });

  it('uses a given tolerance', () => {
    expect(at(t - 10, 10).ok).toBe(true);
    expect(at(t - 11, 10)).toEqual({ ok: false, reason: 'timestamp-too-old' });
    expect(at(t + 11, 10)).toEqual({ ok: false, reason: 'timestamp-too-new' });
    expect(at(t, 0).ok).toBe(true);
    expect(at(t + 1, 0)).toEqual({ ok: false, reason: 'timestamp-too-new' });
  });

  it('checks the timestamp even when the signature is valid for it', () => {
    expect(at(0)).toEqual({ ok: false, reason: 'timestamp-too-old' });
  });
});

describe('configuration errors throw, without quoting secrets', () => {
  const thrown = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      return (error as Error).message;
    }
    return 'did not throw';
  };
  const secret = generateWebhookSecret();

  it('refuses malformed secrets', () => {
    for (const bad of [
      '',
      secret.slice(6),
      'whsec_',
      'whsec_!!!!',
      `whsec_${Buffer.alloc(16).toString('base64')}`,
    ]) {
      expect(() => signWebhook({ id: 'msg_1', timestamp: 1, body, secrets: [secret, bad] })).toThrow(
        /^webhook secret 2 must be/,
      );
    }
    expect(() => verifyWebhook({ headers: {}, body, secrets: ['whsec_short'] })).toThrow(/webhook secret 1/);
    const message = thrown(() => signWebhook({ id: 'msg_1', timestamp: 1, body, secrets: [`${secret}!`] }));
    expect(message).toMatch(/^webhook secret 1 must be/);
    expect(message).not.toContain(secret.slice(6, 20));
  });

  it('needs at least one secret, a sane id and an integer timestamp', () => {
    expect(() => signWebhook({ id: 'msg_1', timestamp: 1, body, secrets: [] })).toThrow('at least one');
    expect(() => verifyWebhook({ headers: {}, body, secrets: [] })).toThrow('at least one');
    expect(() => signWebhook({ id: 'msg 1', timestamp: 1, body, secrets: [secret] })).toThrow('webhook id');
    expect(() => signWebhook({ id: 'msg_1', timestamp: 1.5, body, secrets: [secret] })).toThrow('timestamp');
    expect(() => signWebhook({ id: 'msg_1', timestamp: -1, body, secrets: [secret] })).toThrow('timestamp');
    expect(() => verifyWebhook({ headers: {}, body, secrets: [secret], toleranceSeconds: -1 })).toThrow(
      'toleranceSeconds',
    );
  });
});

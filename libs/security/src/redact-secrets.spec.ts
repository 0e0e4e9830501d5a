import { REDACTED, redactSecrets } from './redact-secrets';

describe('redactSecrets', () => {
  const integration = {
    id: 'int-1',
    endpoint: {
      url: 'https://ehr.example/fhir',
      auth: { clientId: 'c', clientSecret: 's', privateKey: 'k' },
    },
    webhooks: [
      { url: 'https://a.example', secret: 'whsec_a' },
      { url: 'https://b.example', secret: 'whsec_b' },
    ],
  };

  it('replaces the values at the given paths, with * for every key or element', () => {
    expect(
      redactSecrets(integration, [
        'endpoint.auth.clientSecret',
        'endpoint.auth.privateKey',
        'webhooks.*.secret',
      ]),
    ).toEqual({
      id: 'int-1',
      endpoint: {
        url: 'https://ehr.example/fhir',
        auth: { clientId: 'c', clientSecret: REDACTED, privateKey: REDACTED },
      },
      webhooks: [
        { url: 'https://a.example', secret: REDACTED },
        { url: 'https://b.example', secret: REDACTED },
      ],
    });
  });

  it('redacts a whole subtree, an array index, or with another replacement', () => {
    expect(redactSecrets(integration, ['endpoint.auth'])).toMatchObject({ endpoint: { auth: REDACTED } });
    expect(redactSecrets(integration, ['webhooks.1.secret'], null).webhooks).toEqual([
      { url: 'https://a.example', secret: 'whsec_a' },
      { url: 'https://b.example', secret: null },
    ]);
  });

  it('ignores paths that are not there and adds nothing', () => {
    expect(
      redactSecrets(integration, ['endpoint.token', 'missing.deep.path', 'id.inner', 'webhooks.9.secret']),
    ).toEqual(integration);
    expect(redactSecrets(null, ['a'])).toBeNull();
  });

  it('never changes its input', () => {
    const before = JSON.stringify(integration);
    redactSecrets(integration, ['endpoint.auth.clientSecret', 'webhooks.*.secret']);
    expect(JSON.stringify(integration)).toBe(before);
  });

  it('keeps arrays arrays', () => {
    expect(Array.isArray(redactSecrets(integration, ['webhooks.*.secret']).webhooks)).toBe(true);
  });
});

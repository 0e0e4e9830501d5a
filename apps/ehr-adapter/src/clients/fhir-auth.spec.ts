import type { AuthenticationSettings } from '@meridian/contracts';
import { fhirAuthConfig, IntegrationConfigError } from './fhir-auth';

const auth = (settings: Partial<AuthenticationSettings>) => settings as AuthenticationSettings;

describe('fhirAuthConfig', () => {
  it('maps each authentication type with its secret', () => {
    expect(fhirAuthConfig('i', auth({ type: 'none' }), {})).toEqual({ type: 'none' });
    expect(fhirAuthConfig('i', auth({ type: 'bearer' }), { token: 't' })).toEqual({
      type: 'bearer',
      token: 't',
    });
    expect(fhirAuthConfig('i', auth({ type: 'basic', username: 'u' }), { password: 'p' })).toEqual({
      type: 'basic',
      username: 'u',
      password: 'p',
    });
    expect(fhirAuthConfig('i', auth({ type: 'api_key', headerName: 'X-Key' }), { apiKey: 'k' })).toEqual({
      type: 'api_key',
      value: 'k',
      headerName: 'X-Key',
    });
    expect(
      fhirAuthConfig('i', auth({ type: 'oauth2', tokenUrl: 'https://t', clientId: 'c', scope: 's' }), {
        clientSecret: 'x',
      }),
    ).toEqual({ type: 'oauth2', tokenUrl: 'https://t', clientId: 'c', clientSecret: 'x', scope: 's' });
    expect(
      fhirAuthConfig(
        'i',
        auth({
          type: 'smart-backend',
          tokenUrl: 'https://t',
          clientId: 'c',
          scope: 'system/*.rs',
          keyId: 'kid-1',
          algorithm: 'ES384',
        }),
        { privateKey: 'PEM' },
      ),
    ).toEqual({
      type: 'smart-backend',
      tokenUrl: 'https://t',
      clientId: 'c',
      privateKey: 'PEM',
      keyId: 'kid-1',
      algorithm: 'ES384',
      scope: 'system/*.rs',
    });
  });

  it('fails permanently, naming the field and never a value, when the secret is missing', () => {
    const attempt = () => fhirAuthConfig('ehr-7', auth({ type: 'bearer' }), { password: 'hunter2' });
    expect(attempt).toThrow(IntegrationConfigError);
    expect(attempt).toThrow(
      'integration ehr-7: bearer authentication needs credentials.token, which is not set',
    );
  });

  it('refuses smart-backend without key id, algorithm and scope, and certificate authentication', () => {
    expect(() =>
      fhirAuthConfig('i', auth({ type: 'smart-backend', tokenUrl: 'https://t', clientId: 'c' }), {
        privateKey: 'k',
      }),
    ).toThrow('smart-backend authentication needs keyId, algorithm and scope');
    expect(() => fhirAuthConfig('i', auth({ type: 'certificate' }), {})).toThrow(
      'certificate authentication is not supported by the EHR adapter',
    );
  });
});

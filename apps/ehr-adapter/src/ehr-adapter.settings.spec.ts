import { ConfigError, loadServiceConfig } from '@meridian/platform';
import { generateEncryptionKey } from '@meridian/security';
import { EhrAdapterSettings } from './ehr-adapter.settings';

const base = { KAFKA_BROKERS: '127.0.0.1:9092', DATABASE_URL: 'postgres://u@h/db' };
const load = (env: Record<string, string>) =>
  loadServiceConfig('ehr-adapter', 3003, { ...base, ...env }, EhrAdapterSettings)
    .settings as EhrAdapterSettings;

describe('EhrAdapterSettings', () => {
  it('defaults to no keys, an empty allow-list and https only', () => {
    expect(load({})).toMatchObject({
      CREDENTIALS_KEYS: undefined,
      OUTBOUND_ALLOW_LIST: [],
      OUTBOUND_ALLOW_HTTP: false,
    });
  });

  it('reads the key ring, a comma-separated allow-list and the http switch', () => {
    const keys = `k1:${generateEncryptionKey()}`;
    expect(
      load({
        CREDENTIALS_KEYS: keys,
        OUTBOUND_ALLOW_LIST: '127.0.0.1, 10.0.0.0/8,ehr.local',
        OUTBOUND_ALLOW_HTTP: 'true',
      }),
    ).toMatchObject({
      CREDENTIALS_KEYS: keys,
      OUTBOUND_ALLOW_LIST: ['127.0.0.1', '10.0.0.0/8', 'ehr.local'],
      OUTBOUND_ALLOW_HTTP: true,
    });
  });

  it('lists every bad variable in one error', () => {
    let thrown: unknown;
    try {
      load({
        CREDENTIALS_KEYS: 'k1:short',
        OUTBOUND_ALLOW_LIST: '127.0.0.1,10.0.0.0/99',
        OUTBOUND_ALLOW_HTTP: 'yes',
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const problems = (thrown as ConfigError).problems.join('\n');
    expect(problems).toContain('CREDENTIALS_KEYS');
    expect(problems).toContain('10.0.0.0/99');
    expect(problems).toContain('OUTBOUND_ALLOW_HTTP must be true or false');
  });
});

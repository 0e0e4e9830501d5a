import { ConfigError, loadServiceConfig } from '@meridian/platform';
import { generateEncryptionKey } from '@meridian/security';
import { DEFAULT_RETRY_DELAYS_MS, WebhookDispatcherSettings } from './webhook-dispatcher.settings';

const base = { KAFKA_BROKERS: '127.0.0.1:9092', DATABASE_URL: 'postgres://u@h/db' };
const load = (env: Record<string, string>) =>
  loadServiceConfig('webhook-dispatcher', 3006, { ...base, ...env }, WebhookDispatcherSettings)
    .settings as WebhookDispatcherSettings;

describe('WebhookDispatcherSettings', () => {
  it('defaults to the conventions: https only, 15 s, the 8-attempt schedule, 5 days', () => {
    expect(load({})).toMatchObject({
      CREDENTIALS_KEYS: undefined,
      OUTBOUND_ALLOW_LIST: [],
      OUTBOUND_ALLOW_HTTP: false,
      WEBHOOK_TIMEOUT_MS: 15_000,
      WEBHOOK_RETRY_DELAYS_MS: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
      WEBHOOK_DISABLE_AFTER_MS: 5 * 24 * 3_600_000,
    });
    expect(DEFAULT_RETRY_DELAYS_MS).toHaveLength(7);
  });

  it('reads keys, the allow-list, the http switch and a shortened schedule', () => {
    const keys = `k1:${generateEncryptionKey()}`;
    expect(
      load({
        CREDENTIALS_KEYS: keys,
        OUTBOUND_ALLOW_LIST: '127.0.0.1, 10.0.0.0/8',
        OUTBOUND_ALLOW_HTTP: 'true',
        WEBHOOK_TIMEOUT_MS: '2000',
        WEBHOOK_RETRY_DELAYS_MS: '100, 200',
        WEBHOOK_RETRY_JITTER: '0',
      }),
    ).toMatchObject({
      CREDENTIALS_KEYS: keys,
      OUTBOUND_ALLOW_LIST: ['127.0.0.1', '10.0.0.0/8'],
      OUTBOUND_ALLOW_HTTP: true,
      WEBHOOK_TIMEOUT_MS: 2000,
      WEBHOOK_RETRY_DELAYS_MS: [100, 200],
      WEBHOOK_RETRY_JITTER: 0,
    });
  });

  it('lists every bad variable in one error', () => {
    let thrown: unknown;
    try {
      load({
        OUTBOUND_ALLOW_LIST: '10.0.0.0/99',
        OUTBOUND_ALLOW_HTTP: 'yes',
        WEBHOOK_TIMEOUT_MS: 'soon',
        WEBHOOK_RETRY_DELAYS_MS: '1,2,3,4,5,6,7,8',
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const problems = (thrown as ConfigError).problems.join('\n');
    expect(problems).toContain('10.0.0.0/99');
    expect(problems).toContain('OUTBOUND_ALLOW_HTTP must be true or false');
    expect(problems).toContain('WEBHOOK_TIMEOUT_MS');
    expect(problems).toContain('WEBHOOK_RETRY_DELAYS_MS');
  });
});

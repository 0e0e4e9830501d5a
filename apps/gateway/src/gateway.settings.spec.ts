import { ConfigError, loadServiceConfig } from '@meridian/platform';
import { GatewaySettings } from './gateway.settings';

const base = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/meridian',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadServiceConfig('gateway', 3000, { ...base, ...env }, GatewaySettings);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('GatewaySettings: inbound webhook dedupe window', () => {
  it('accepts the defaults and a window of exactly twice the tolerance', () => {
    expect(problemsOf({})).toEqual([]);
    expect(
      problemsOf({ INBOUND_WEBHOOK_TOLERANCE_SECONDS: '3600', INBOUND_WEBHOOK_DEDUPE_SECONDS: '7200' }),
    ).toEqual([]);
  });

  it('refuses a window shorter than twice the tolerance, in one ConfigError with the other problems', () => {
    const problems = problemsOf({
      INBOUND_WEBHOOK_TOLERANCE_SECONDS: '3600',
      INBOUND_WEBHOOK_DEDUPE_SECONDS: '7199',
      MLLP_PORT: 'x',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'INBOUND_WEBHOOK_DEDUPE_SECONDS must be at least twice INBOUND_WEBHOOK_TOLERANCE_SECONDS',
        ),
        expect.stringContaining('MLLP_PORT'),
      ]),
    );
  });

  it('still requires at least 600 seconds with a short tolerance', () => {
    const problems = problemsOf({
      INBOUND_WEBHOOK_TOLERANCE_SECONDS: '60',
      INBOUND_WEBHOOK_DEDUPE_SECONDS: '300',
    });
    expect(problems).toEqual([
      expect.stringContaining('INBOUND_WEBHOOK_DEDUPE_SECONDS must be at least 600'),
    ]);
  });

  it('reports a bad tolerance on its own, without a spurious comparison', () => {
    const problems = problemsOf({ INBOUND_WEBHOOK_TOLERANCE_SECONDS: 'soon' }).join('\n');
    expect(problems).toContain('INBOUND_WEBHOOK_TOLERANCE_SECONDS');
    expect(problems).not.toContain('twice');
  });
});

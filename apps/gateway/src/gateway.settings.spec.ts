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

describe('GatewaySettings: MLLP limits', () => {
  it('has defaults for the connection caps, the frame timeout and the buffer budget', () => {
    const { settings } = loadServiceConfig('gateway', 3000, base, GatewaySettings);
    expect(settings).toMatchObject({
      MLLP_MAX_CONNECTIONS: 500,
      MLLP_MAX_CONNECTIONS_PER_PEER: 50,
      MLLP_FRAME_TIMEOUT_MS: 30_000,
      MLLP_IDLE_TIMEOUT_MS: 600_000,
      MLLP_MAX_BUFFERED_BYTES: 16 * 1024 * 1024,
    });
  });

  it('refuses a buffer budget smaller than the largest message, and caps below 1', () => {
    const problems = problemsOf({
      HL7_MAX_MESSAGE_BYTES: '100000',
      MLLP_MAX_BUFFERED_BYTES: '99999',
      MLLP_MAX_CONNECTIONS: '0',
      MLLP_MAX_CONNECTIONS_PER_PEER: '0',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('MLLP_MAX_BUFFERED_BYTES must be at least HL7_MAX_MESSAGE_BYTES'),
        expect.stringContaining('MLLP_MAX_CONNECTIONS must be at least 1'),
        expect.stringContaining('MLLP_MAX_CONNECTIONS_PER_PEER must be at least 1'),
      ]),
    );
    expect(problemsOf({ HL7_MAX_MESSAGE_BYTES: '100000', MLLP_MAX_BUFFERED_BYTES: '100000' })).toEqual([]);
  });

  it('reports a budget that is not a number once, without a spurious comparison', () => {
    const problems = problemsOf({ MLLP_MAX_BUFFERED_BYTES: 'lots' }).join('\n');
    expect(problems).toContain('MLLP_MAX_BUFFERED_BYTES must be an integer');
    expect(problems).not.toContain('at least HL7_MAX_MESSAGE_BYTES');
  });
});

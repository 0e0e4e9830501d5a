import { Type } from 'class-transformer';
import { IsInt, Min } from 'class-validator';
import { ConfigError, loadServiceConfig } from './service-config';

class ExampleSettings {
  @Type(() => Number)
  @IsInt({ message: 'EXAMPLE_PORT must be an integer' })
  @Min(0)
  EXAMPLE_PORT = 2575;
}

const valid = {
  KAFKA_BROKERS: '127.0.0.1:9092,kafka:9093',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/meridian',
};

describe('loadServiceConfig', () => {
  it('gives a typed config with defaults', () => {
    const config = loadServiceConfig('ehr-adapter', 3003, valid);
    expect(config).toMatchObject({
      port: 3003,
      logLevel: 'info',
      kafka: {
        brokers: ['127.0.0.1:9092', 'kafka:9093'],
        clientId: 'meridian-ehr-adapter',
        // A killed consumer's partitions stall for this long: seconds, not the former 30 s.
        sessionTimeoutMs: 10_000,
      },
      database: { schema: 'ehr_adapter' },
    });
  });

  it("takes KAFKA_SESSION_TIMEOUT_MS down to the broker's floor (group.min.session.timeout.ms, 6 s)", () => {
    expect(
      loadServiceConfig('gateway', 3000, { ...valid, KAFKA_SESSION_TIMEOUT_MS: '6000' }).kafka
        .sessionTimeoutMs,
    ).toBe(6_000);
    expect(() => loadServiceConfig('gateway', 3000, { ...valid, KAFKA_SESSION_TIMEOUT_MS: '5000' })).toThrow(
      ConfigError,
    );
  });

  it('lists every bad variable in one error', () => {
    let caught: unknown;
    try {
      loadServiceConfig('gateway', 3000, { KAFKA_BROKERS: 'nope', PORT: 'eighty', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toContain('KAFKA_BROKERS');
    expect(problems).toContain('DATABASE_URL');
    expect(problems).toContain('PORT');
    expect(problems).toContain('LOG_LEVEL');
  });

  it("validates the app's settings with the platform's variables, defaults included", () => {
    expect(loadServiceConfig('gateway', 3000, valid, ExampleSettings).settings).toEqual({
      EXAMPLE_PORT: 2575,
    });
    expect(
      loadServiceConfig('gateway', 3000, { ...valid, EXAMPLE_PORT: '' }, ExampleSettings).settings,
    ).toEqual({ EXAMPLE_PORT: 2575 });
    expect(
      loadServiceConfig('gateway', 3000, { ...valid, EXAMPLE_PORT: '1234' }, ExampleSettings).settings,
    ).toEqual({ EXAMPLE_PORT: 1234 });
    expect(() =>
      loadServiceConfig('gateway', 3000, { KAFKA_BROKERS: 'nope', EXAMPLE_PORT: 'x' }, ExampleSettings),
    ).toThrow(/KAFKA_BROKERS[\s\S]*EXAMPLE_PORT must be an integer/);
  });

  it('reads the Kafka TLS/SASL settings with the rest: plaintext without them, kafkajs options with them', () => {
    expect(loadServiceConfig('gateway', 3000, valid).kafka.security).toEqual({});
    const { security } = loadServiceConfig('gateway', 3000, {
      ...valid,
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 's3cret-value',
    }).kafka;
    expect(security).toMatchObject({
      ssl: { rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-512', username: 'svc' },
    });
    expect(security.sasl?.password.reveal()).toBe('s3cret-value');
  });

  it('lists bad Kafka security settings in the same error as the other variables, without the password', () => {
    let caught: unknown;
    try {
      loadServiceConfig('gateway', 3000, {
        ...valid,
        PORT: 'eighty',
        KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem',
        KAFKA_SASL_MECHANISM: 'scram-sha-1',
        KAFKA_SASL_PASSWORD: 's3cret-value',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toEqual([
      expect.stringContaining('PORT must be an integer'),
      'KAFKA_SSL_CA_FILE set, but KAFKA_SSL is not true',
      'KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512',
    ]);
    expect((caught as Error).message).not.toContain('s3cret-value');
  });
});

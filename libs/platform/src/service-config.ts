import type { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import type { ServiceName } from '@meridian/contracts';
import { DEFAULT_SESSION_TIMEOUT_MS, readKafkaSecurity, type KafkaSecurity } from '@meridian/kafka';
import type { Level } from '@meridian/observability';

const LEVELS: Level[] = ['debug', 'info', 'warn', 'error'];

/** The environment every service reads, validated once at start-up. */
class ServiceEnvironment {
  @Matches(/^[\w.-]+:\d+(,[\w.-]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port...]' })
  KAFKA_BROKERS!: string;

  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL!: string;

  @IsOptional()
  @IsInt({ message: 'PORT must be an integer' })
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @IsIn(LEVELS, { message: `LOG_LEVEL must be one of ${LEVELS.join(', ')}` })
  LOG_LEVEL?: Level;

  @IsOptional()
  @IsString()
  KAFKA_CLIENT_ID?: string;

  @IsOptional()
  @IsInt({ message: 'KAFKA_SESSION_TIMEOUT_MS must be an integer' })
  @Min(6_000)
  KAFKA_SESSION_TIMEOUT_MS?: number;

  @IsOptional()
  @IsInt({ message: 'HEARTBEAT_INTERVAL_MS must be an integer' })
  @Min(1_000)
  HEARTBEAT_INTERVAL_MS?: number;

  @IsOptional()
  @IsInt({ message: 'SHUTDOWN_TIMEOUT_MS must be an integer' })
  @Min(1_000)
  SHUTDOWN_TIMEOUT_MS?: number;

  @IsOptional()
  @IsString()
  SERVICE_VERSION?: string;
}

export interface ServiceConfig {
  service: ServiceName;
  version: string;
  port: number;
  logLevel: Level;
  /** `security`: TLS and SASL from the KAFKA_SSL* / KAFKA_SASL_* variables (libs/kafka/README.md). */
  kafka: { brokers: string[]; clientId: string; sessionTimeoutMs: number; security: KafkaSecurity };
  database: { url: string; schema: string };
  heartbeatIntervalMs: number;
  /** After SIGTERM, the process exits (code 1) if graceful shutdown takes longer than this. */
  shutdownTimeoutMs: number;
  /** The app's own settings (ServiceDefinition.settings), validated with the platform's variables. */
  settings: object;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const INTEGER_VARIABLES = [
  'PORT',
  'KAFKA_SESSION_TIMEOUT_MS',
  'HEARTBEAT_INTERVAL_MS',
  'SHUTDOWN_TIMEOUT_MS',
];

/**
 * Reads and validates the environment, and the app's own settings class when given (a class-validator
 * class whose initialised properties are variable names; numbers convert with class-transformer's `@Type`). One
 * ConfigError lists every bad variable of both.
 */
export function loadServiceConfig(
  service: ServiceName,
  defaultPort: number,
  env: Record<string, string | undefined> = process.env,
  settingsClass?: Type<object>,
): ServiceConfig {
  const raw: Record<string, unknown> = { ...env };
  for (const name of INTEGER_VARIABLES) {
    if (env[name] !== undefined && env[name] !== '')
      raw[name] = /^\d+$/.test(env[name]) ? Number(env[name]) : env[name];
  }
  const parsed = plainToInstance(ServiceEnvironment, raw);
  const settings = settingsClass ? plainToInstance(settingsClass, settingsFrom(env, settingsClass)) : {};
  // TLS/SASL: checked here with the rest (files read now), so bad settings stop the start-up.
  const kafkaSecurity = readKafkaSecurity(env);
  const problems = [
    ...[parsed, settings].flatMap((target) =>
      validateSync(target, { forbidUnknownValues: false }).map(
        (error) => Object.values(error.constraints ?? {}).join(', ') || `${error.property} is invalid`,
      ),
    ),
    ...kafkaSecurity.problems,
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    service,
    version: parsed.SERVICE_VERSION ?? '0.1.0',
    port: parsed.PORT ?? defaultPort,
    logLevel: parsed.LOG_LEVEL ?? 'info',
    kafka: {
      brokers: parsed.KAFKA_BROKERS.split(','),
      clientId: parsed.KAFKA_CLIENT_ID ?? `meridian-${service}`,
      // The consumer runtime's default (10 s; libs/kafka/README.md says why).
      sessionTimeoutMs: parsed.KAFKA_SESSION_TIMEOUT_MS ?? DEFAULT_SESSION_TIMEOUT_MS,
      security: kafkaSecurity.security,
    },
    // Each service owns one Postgres schema named after it.
    database: { url: parsed.DATABASE_URL, schema: service.replace(/-/g, '_') },
    heartbeatIntervalMs: parsed.HEARTBEAT_INTERVAL_MS ?? 15_000,
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS ?? 25_000,
    settings,
  };
}

/**
 * The variables the settings class declares: its own properties, so each one needs an initialiser (the
 * default, or `undefined`). An empty variable means "not set", so the default applies.
 */
function settingsFrom(
  env: Record<string, string | undefined>,
  settingsClass: Type<object>,
): Record<string, string> {
  const names = Object.keys(new settingsClass());
  return Object.fromEntries(
    names.flatMap((name) => (env[name] === undefined || env[name] === '' ? [] : [[name, env[name]]])),
  );
}

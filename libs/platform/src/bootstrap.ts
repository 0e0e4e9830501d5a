import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { describeKafkaSecurity, KafkaConnection, kafkaMetrics, KafkaTransport } from '@meridian/kafka';
import { JsonLogger } from '@meridian/observability';
import { Registry } from 'prom-client';
import type { ReadinessView } from './compacted-topic.view';
import { IntegrationConfigView } from './integration-config.view';
import { RethrowRpcErrors } from './rethrow-rpc-errors.filter';
import type { ServiceDefinition } from './service-definition';
import { loadServiceConfig, type ServiceConfig } from './service-config';
import { ServiceModule } from './service.module';
import { COMPACTED_VIEWS } from './tokens';

export interface StartOptions {
  env?: Record<string, string | undefined>;
  /** Handle SIGTERM/SIGINT (a real process); tests that start several services in one process say false. */
  handleSignals?: boolean;
}

/**
 * Starts a service: validated config, JSON logs, HTTP (health, metrics, the app's controllers)
 * and the Kafka consumer transport for the app's `@EventPattern` handlers.
 */
export async function startService(
  definition: ServiceDefinition,
  options: StartOptions = {},
): Promise<{ app: INestApplication; config: ServiceConfig }> {
  const config = loadServiceConfig(
    definition.name,
    definition.defaultPort,
    options.env ?? process.env,
    definition.settings,
  );
  const logger = new JsonLogger(config.service, config.logLevel);
  const app = await NestFactory.create(ServiceModule.forRoot(definition, config), {
    logger,
    abortOnError: false,
    // JSON bodies keep their bytes as `request.rawBody`: signatures (inbound webhooks) cover those.
    rawBody: true,
  });
  try {
    const connection = app.get(KafkaConnection);
    const transport = new KafkaTransport({
      kafka: connection.kafka,
      producer: connection.producer,
      groupId: `meridian.${config.service}`,
      metrics: kafkaMetrics(app.get(Registry)),
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      keyed: definition.keyedConsumer ?? false,
    });
    connection.addConsumer(() => transport.consumer);
    // Registered before the microservice inherits the app's config, so its handlers get it too.
    app.useGlobalFilters(new RethrowRpcErrors(app.getHttpAdapter()));
    app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
    if (definition.openApi) {
      const document = new DocumentBuilder()
        .setTitle(definition.openApi.title)
        .setDescription(definition.openApi.description)
        .setVersion(config.version)
        .build();
      SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, document));
    }
    if (options.handleSignals ?? true) exitOnSignals(app, config.shutdownTimeoutMs);
    // HTTP first (health answers, not ready yet), with the modules' init hooks: the views start
    // reading their topics. Handlers judge records against those views (which integration, which
    // endpoints), so nothing is consumed before each view holds what was on its topic.
    await app.listen(config.port);
    await Promise.all(views(app, definition).map((view) => view.loaded));
    await app.startAllMicroservices();
  } catch (error) {
    // Whatever connected before the failure (producer, admin, database pool) is closed again.
    await app.close().catch(() => undefined);
    throw error;
  }
  logger.log(
    {
      msg: 'service started',
      port: config.port,
      schema: config.database.schema,
      // How it talks to Kafka (plaintext, TLS, SASL mechanism and user): never a secret.
      kafka: describeKafkaSecurity(config.kafka.security),
    },
    'Bootstrap',
  );
  return { app, config };
}

/** The service's in-memory views of compacted topics. */
function views(app: INestApplication, definition: ServiceDefinition): ReadinessView[] {
  return [
    ...(definition.integrationConfigs ? [app.get(IntegrationConfigView)] : []),
    ...app.get<ReadinessView[]>(COMPACTED_VIEWS),
  ];
}

/**
 * SIGTERM/SIGINT: stop consuming, finish and commit what is in hand, close HTTP and connections
 * (app.close runs the transports' close and the shutdown hooks), then exit 0. Consumers leave their
 * groups as they close (LeaveGroup), so their partitions move at once instead of after a session
 * timeout. A shutdown stuck longer than the timeout (say a broker that never answers the last
 * commit) exits 1. This replaces Nest's enableShutdownHooks, which runs the same close without a
 * timeout.
 */
function exitOnSignals(app: INestApplication, timeoutMs: number): void {
  const shutdown = () => {
    setTimeout(() => process.exit(1), timeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/** `main.ts` of every app: start, or print the configuration problems and exit 1. */
export function runService(definition: ServiceDefinition): void {
  startService(definition).catch((error: unknown) => {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(
      `${JSON.stringify({ level: 'error', service: definition.name, msg: 'start-up failed', detail })}\n`,
    );
    process.exit(1);
  });
}

import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type CloudEvent, retryTopicsOf, TOPICS, type WebhookDispatchPayload } from '@meridian/contracts';
import { KafkaConnection, kafkaMetrics, KeyedConsumer } from '@meridian/kafka';
import { SERVICE_CONFIG, type ServiceConfig } from '@meridian/platform';
import { Registry } from 'prom-client';
import { DeliveryService } from './delivery.service';

/** How soon a partition resumed after its head record fell due is fetched again (and how long an idle fetch waits). */
const FETCH_WAIT_MS = 1_000;

/**
 * Consumes webhooks.dispatch.v1 and its retry tiers with a KeyedConsumer (libs/kafka), in a group of
 * its own (`meridian.webhook-dispatcher.dispatch`): records of different endpoints (keys) run side
 * by side and a batch is never waited for, so an endpoint that hangs for its whole timeout delays
 * only its own messages; a retry tier's partition pauses until its head record is due.
 */
@Injectable()
export class DispatchConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: KeyedConsumer;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly delivery: DeliveryService,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(Registry) private readonly registry: Registry,
  ) {}

  static topics(): string[] {
    return [TOPICS.webhookDispatch.name, ...retryTopicsOf(TOPICS.webhookDispatch).map((topic) => topic.name)];
  }

  async onApplicationBootstrap(): Promise<void> {
    const handler = (event: CloudEvent, context: Parameters<DeliveryService['deliver']>[1]) =>
      this.delivery.deliver(event as CloudEvent<WebhookDispatchPayload>, context);
    const consumer = new KeyedConsumer({
      kafka: this.connection.kafka,
      producer: this.connection.producer,
      groupId: this.delivery.consumerGroup,
      handlers: new Map(DispatchConsumer.topics().map((topic) => [topic, handler])),
      metrics: kafkaMetrics(this.registry),
      sessionTimeoutMs: this.config.kafka.sessionTimeoutMs,
      maxWaitTimeMs: FETCH_WAIT_MS,
      partitionsConsumedConcurrently: 8,
      // Room for a dead endpoint's backlog in a partition (it drains fast once its breaker opens)
      // before the partition pauses for everyone.
      maxInFlightPerPartition: 1_000,
      // Longer than one attempt's timeout, so an attempt in progress at SIGTERM finishes and is committed.
      drainTimeoutMs: Math.min(20_000, this.config.shutdownTimeoutMs - 2_000),
    });
    this.consumer = consumer;
    this.connection.addConsumer(() => this.consumer);
    await consumer.start();
  }

  /** Before the producer and connections close (their hooks run in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}

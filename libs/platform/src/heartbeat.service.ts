import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  createCloudEvent,
  SERVICE_HEARTBEAT_V1,
  TOPICS,
  type ServiceHeartbeatPayload,
} from '@meridian/contracts';
import { EventProducer, safeErrorMessage } from '@meridian/kafka';
import { randomUUID } from 'node:crypto';
import { SERVICE_CONFIG } from './tokens';
import type { ServiceConfig } from './service-config';

/** Publishes `org.meridian.service.heartbeat.v1` every interval; the health monitor watches for silence. */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HeartbeatService.name);
  private readonly instanceId = randomUUID();
  private readonly startedAt = new Date().toISOString();
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly producer: EventProducer,
  ) {}

  onApplicationBootstrap(): void {
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.config.heartbeatIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async beat(): Promise<void> {
    const { service, version } = this.config;
    try {
      await this.producer.publish(TOPICS.serviceHeartbeats.name, [
        {
          key: `${service}/${this.instanceId}`,
          event: createCloudEvent<ServiceHeartbeatPayload>({
            source: `/meridian/${service}`,
            type: SERVICE_HEARTBEAT_V1,
            data: {
              service,
              instanceId: this.instanceId,
              version,
              startedAt: this.startedAt,
              status: 'ready',
            },
          }),
        },
      ]);
    } catch (error) {
      this.logger.warn(`heartbeat not sent: ${safeErrorMessage(error)}`);
    }
  }
}

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, Not, type Repository } from 'typeorm';
import { DAY_MS, RetentionSchedule, SERVICE_SETTINGS } from '@meridian/platform';
import type { GatewaySettings } from '../gateway.settings';
import { WebhookAttempt } from './webhook-attempt.entity';

/**
 * A partner's answer may echo what it was sent: the first KiB of each response body kept in the
 * delivery log is blanked after WEBHOOK_RESPONSE_RETENTION_DAYS. The attempt itself (status, timing,
 * outcome) stays.
 */
@Injectable()
export class WebhookAttemptsRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly schedule: RetentionSchedule;

  constructor(
    @InjectRepository(WebhookAttempt) attempts: Repository<WebhookAttempt>,
    @Inject(SERVICE_SETTINGS) settings: GatewaySettings,
  ) {
    this.schedule = new RetentionSchedule([
      {
        what: 'webhook_attempts.response_body',
        keepMs: settings.WEBHOOK_RESPONSE_RETENTION_DAYS * DAY_MS,
        prune: async (before) =>
          (
            await attempts.update(
              { attemptedAt: LessThan(before), responseBody: Not(IsNull()) },
              { responseBody: null },
            )
          ).affected ?? 0,
      },
    ]);
  }

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  onApplicationShutdown(): void {
    this.schedule.stop();
  }
}

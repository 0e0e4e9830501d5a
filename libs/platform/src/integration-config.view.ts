import { Inject, Injectable } from '@nestjs/common';
import { INTEGRATION_CONFIG_V1, IntegrationConfigPayload, TOPICS } from '@meridian/contracts';
import { KafkaConnection } from '@meridian/kafka';
import { CompactedTopicView } from './compacted-topic.view';
import type { ServiceConfig } from './service-config';
import { SERVICE_CONFIG } from './tokens';

export type IntegrationConfigListener = (
  integrationId: string,
  config: IntegrationConfigPayload | undefined,
) => void;

/**
 * Every integration's current configuration, in memory, from the compacted integration.config.v1
 * (see CompactedTopicView: the whole topic per instance, older versions ignored, tombstones delete).
 */
@Injectable()
export class IntegrationConfigView extends CompactedTopicView<IntegrationConfigPayload> {
  constructor(connection: KafkaConnection, @Inject(SERVICE_CONFIG) config: ServiceConfig) {
    super(connection, config, {
      topic: TOPICS.integrationConfig.name,
      eventType: INTEGRATION_CONFIG_V1,
      payload: IntegrationConfigPayload,
      version: (integration) => integration.version,
      name: 'config-view',
    });
  }
}

import * as contracts from './index';

describe('@meridian/contracts public surface', () => {
  it('exports the agreed API', () => {
    const agreed = [
      'CE',
      'CONTENT_TYPE',
      'DLQ_HEADERS',
      'REDRIVE_HEADERS',
      'createCloudEvent',
      'encodeCloudEvent',
      'headersToStrings',
      'decodeCloudEvent',
      'validatePayload',
      'EVENT_TYPES',
      'eventTypeOf',
      'TOPICS',
      'dlqTopicName',
      'retryTopicName',
      'allTopicDefinitions',
      'SERVICE_NAMES',
      'topicsConsumedBy',
    ];
    for (const name of agreed) expect([name, name in contracts]).toEqual([name, true]);
  });
});

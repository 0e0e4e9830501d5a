export { runLauncher, startLocalBroker } from './infrastructure';
export {
  collectRecords,
  committedOffsets,
  createTopics,
  eventually,
  testKafka,
  uniqueName,
  type ReceivedRecord,
} from './kafka-helpers';
export { MllpClient, readAck } from './mllp-client';
export { freePort, getFrom, spawnBuiltService, type RunningService } from './built-services';

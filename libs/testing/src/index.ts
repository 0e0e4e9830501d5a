export { createRunDatabase, findPostgres, runLauncher, startLocalBroker } from './infrastructure';
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
export { startSaslSslBroker, type SaslSslBroker, type SaslUser } from './sasl-ssl-broker';
export {
  freePort,
  getFrom,
  spawnBuiltService,
  startBuiltServices,
  stopBuiltServices,
  type RunningService,
} from './built-services';
export { FHIR_SERVER_TIMEOUT_MS, fhirServer, runFhirLauncher, uniqueIdentifierSystem } from './fhir-server';
export { hapiErrors, hapiValidate, type HapiIssue } from './hapi-validator';
export {
  checkFact,
  CORPUS_DIR,
  describeFact,
  loadCorpus,
  runCorpusCase,
  type CorpusCase,
  type CorpusExpectation,
  type CorpusFact,
  type CorpusOutcome,
} from './hl7-corpus';

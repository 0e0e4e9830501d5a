// Kafka header names on the wire. These strings are frozen: other systems set and read them, so a
// rename is a breaking change (see README, "Versioning").

/**
 * CloudEvents 1.0 attributes in Kafka binary mode (`ce_` + lowercase attribute name), plus the
 * platform's extension attributes, which follow the same rule.
 */
export const CE = {
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  specversion: 'ce_specversion',
  time: 'ce_time',
  subject: 'ce_subject',
  dataschema: 'ce_dataschema',
  correlationId: 'ce_correlationid',
  causationId: 'ce_causationid',
  integrationId: 'ce_integrationid',
  traceparent: 'ce_traceparent',
} as const;

/** In binary mode the CloudEvents `datacontenttype` travels as this plain header. */
export const CONTENT_TYPE = 'content-type';

/**
 * Added to a record when it is written to `<topic>.dlq` (modelled on Kafka Connect's
 * `__connect.errors.*`). The original key, value, headers and timestamp are kept unchanged beside them.
 */
export const DLQ_HEADERS = {
  originalTopic: 'dlq.original.topic',
  /** Decimal. */
  originalPartition: 'dlq.original.partition',
  /** Decimal; offsets are 64-bit. */
  originalOffset: 'dlq.original.offset',
  /** Milliseconds since the epoch, decimal: the record timestamp as Kafka gives it. */
  originalTimestamp: 'dlq.original.timestamp',
  consumerGroup: 'dlq.consumer.group',
  /** One of DLQ_STAGES. */
  stage: 'dlq.stage',
  exceptionClass: 'dlq.exception.class',
  /** Never PHI: the consumer writes a message it built itself, not one that quotes the payload. */
  exceptionMessage: 'dlq.exception.message',
  /** Decimal: attempts made before giving up (1 when the error was permanent). */
  attempts: 'dlq.attempts',
  /** RFC 3339. */
  failedAt: 'dlq.failed.at',
} as const;

/** Added when a dead letter is re-produced to its source topic (same key, same `ce_id`). */
export const REDRIVE_HEADERS = {
  /** Decimal: how many times this record has been re-driven. */
  count: 'redrive.count',
  /** RFC 3339. */
  at: 'redrive.at',
} as const;

/** Where in a consumer a record failed; the value of `dlq.stage`. */
export const DLQ_STAGES = ['deserialize', 'validate', 'handle', 'produce'] as const;
export type DlqStage = (typeof DLQ_STAGES)[number];

import { encodeCloudEvent, type CloudEvent } from '@meridian/contracts';
import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { KafkaMetrics } from './kafka-metrics';

export interface OutgoingEvent<T = unknown> {
  /** The aggregate that must stay ordered (CONVENTIONS.md: key = entity). */
  key: string;
  event: CloudEvent<T>;
}

export interface RawRecord {
  key: Buffer | string | null;
  /** Set only to pin a partition (a redrive returns to the partition its key was on). */
  partition?: number;
  value: Buffer | null;
  headers: Record<string, Buffer | string | (Buffer | string)[]>;
  timestamp?: string;
}

/**
 * The platform's producer: idempotent, acks=all, one request in flight, explicit keys. A send
 * resolves only once every in-sync replica has the records.
 */
export class EventProducer {
  private readonly producer: Producer;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly metrics?: KafkaMetrics,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Murmur2, as the Java client: records keyed alike land on the same partition whoever produces them.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.producer.on(this.producer.events.CONNECT, () => (this.connected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  async publish<T>(topic: string, events: OutgoingEvent<T>[]): Promise<void> {
    await this.sendRaw(
      topic,
      events.map(({ key, event }) => ({ key, ...encodeCloudEvent(event) })),
    );
  }

  /** Sends records as they are (DLQ writes and redrives keep the original bytes and headers). */
  async sendRaw(topic: string, records: RawRecord[] | Message[]): Promise<void> {
    try {
      await this.producer.send({
        topic,
        acks: -1,
        compression: CompressionTypes.None,
        messages: records as Message[],
      });
      this.metrics?.produced.inc({ topic, outcome: 'success' }, records.length);
    } catch (error) {
      this.metrics?.produced.inc({ topic, outcome: 'failure' }, records.length);
      throw error;
    }
  }
}

import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { RawRecord } from './event-producer';

/**
 * Sends several records to several topics all-or-nothing (a Kafka transaction), for writes that
 * must not be seen one without the other, such as a redrive and its audit entry. Readers see them
 * only once committed (kafkajs consumers read committed records by default). A second producer
 * with the same transactional id fences the first, so two operators cannot interleave.
 */
export class TransactionalProducer {
  private readonly producer: Producer;

  constructor(kafka: Kafka, transactionalId: string) {
    this.producer = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async sendAll(batches: { topic: string; records: RawRecord[] }[]): Promise<void> {
    const transaction = await this.producer.transaction();
    try {
      for (const { topic, records } of batches)
        await transaction.send({ topic, acks: -1, messages: records });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }
}

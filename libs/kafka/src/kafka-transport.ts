import { BaseRpcContext, CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { CloudEvent } from '@meridian/contracts';
import { lastValueFrom } from 'rxjs';
import { ConsumerRuntime, type ConsumerRuntimeOptions, type EventContext } from './consumer-runtime';
import { KeyedConsumer } from './keyed-consumer';

/** What `@Ctx()` gives a handler. */
export class KafkaEventContext extends BaseRpcContext<[EventContext]> {
  get record(): EventContext {
    return this.args[0];
  }
}

export type KafkaTransportOptions = Omit<ConsumerRuntimeOptions, 'handlers'> & {
  /** A KeyedConsumer (one key's wait holds only that key) instead of the partition-ordered runtime. */
  keyed?: boolean;
};

/**
 * A Nest transport strategy over our consumer runtime, so services write
 * `@EventPattern(TOPICS.x.name) handle(@Payload() event, @Ctx() ctx)` and get per-topic DLQs,
 * bounded retries and commit-after-success instead of Nest's built-in Kafka transport, which
 * redelivers a failing message forever. Each `@EventPattern` names one topic.
 */
export class KafkaTransport extends Server implements CustomTransportStrategy {
  private runtime?: ConsumerRuntime;

  constructor(private readonly options: KafkaTransportOptions) {
    super();
  }

  /** The runtime, once listening (readiness reads its state). */
  get consumer(): ConsumerRuntime | undefined {
    return this.runtime;
  }

  listen(callback: (error?: unknown) => void): void {
    const handlers = new Map(
      [...this.messageHandlers].map(([topic, handler]) => [
        topic,
        async (event: CloudEvent, context: EventContext) => {
          const result = await handler(event, new KafkaEventContext([context]));
          await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
        },
      ]),
    );
    if (handlers.size === 0) {
      callback();
      return;
    }
    const { keyed, ...options } = this.options;
    this.runtime = keyed
      ? new KeyedConsumer({ ...options, handlers })
      : new ConsumerRuntime({ ...options, handlers });
    this.runtime.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  async close(): Promise<void> {
    await this.runtime?.stop();
  }

  on(): never {
    throw new Error('KafkaTransport has no event listeners; read `consumer.status` instead');
  }

  unwrap<T>(): T {
    return this.runtime as T;
  }
}

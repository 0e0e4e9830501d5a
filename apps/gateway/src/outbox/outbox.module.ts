import { Module } from '@nestjs/common';
import { OutboxRelay } from './outbox.relay';

/** One OutboxRelay per process, shared by every module that writes to the outbox. */
@Module({
  providers: [OutboxRelay],
  exports: [OutboxRelay],
})
export class OutboxModule {}

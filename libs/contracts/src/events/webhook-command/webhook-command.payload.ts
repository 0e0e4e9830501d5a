import { IsIn, IsNotEmpty, IsString, IsUUID, Matches, ValidateIf } from 'class-validator';
import { WEBHOOK_ID_PATTERN } from '../webhook-requested/webhook-data';
import { IsRfc3339Timestamp } from '../../validation/is-rfc3339-timestamp';

/** `resend`: deliver one message to the endpoint again; `recover`: re-send every failed one since a time. */
export const WEBHOOK_COMMANDS = ['resend', 'recover'] as const;
export type WebhookCommand = (typeof WEBHOOK_COMMANDS)[number];

/** An operator's request to the dispatcher, from the management API. */
export class WebhookCommandPayload {
  /** The API returns it (202); the dispatcher's resulting deliveries can be traced back to it. */
  @IsUUID()
  commandId!: string;

  @IsIn(WEBHOOK_COMMANDS)
  command!: WebhookCommand;

  @IsString()
  @IsNotEmpty()
  endpointId!: string;

  /** The message to re-send (resend only). */
  @ValidateIf((c: WebhookCommandPayload) => c.command === 'resend')
  @Matches(WEBHOOK_ID_PATTERN)
  webhookId?: string;

  /** Re-send the messages that failed from then on (recover only). */
  @ValidateIf((c: WebhookCommandPayload) => c.command === 'recover')
  @IsRfc3339Timestamp()
  since?: string;

  @IsRfc3339Timestamp()
  requestedAt!: string;
}

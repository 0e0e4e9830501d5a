export {
  createCipherSuite,
  DecryptionError,
  EncryptionKeyError,
  generateEncryptionKey,
  parseEncryptionKeys,
} from './cipher-suite';
export type { CipherSuite, DecryptionFailure, EncryptionKey } from './cipher-suite';
export { IsAllowList } from './is-allow-list';
export { IsEncryptionKeys } from './is-encryption-keys';
export { REDACTED, redactSecrets } from './redact-secrets';
export { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, safeRequest } from './safe-request';
export { sendWebhook, type SendWebhookInput, type SentWebhook } from './send-webhook';
export type { SafeRequestFailure, SafeRequestOptions, SafeResponse } from './safe-request';
export { addressCategory } from './special-addresses';
export type { AddressCategory } from './special-addresses';
export { AllowList, checkUrl, parseAllowList, pinnedLookup } from './url-guard';
export type {
  CheckedUrl,
  CheckUrlOptions,
  HostResolver,
  ResolvedAddress,
  UrlRefusal,
  UrlRefusalReason,
} from './url-guard';
export { deriveWebhookMessageId, newWebhookMessageId } from './webhook-message-id';
export {
  DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  generateWebhookSecret,
  signWebhook,
  verifyWebhook,
  WEBHOOK_HEADERS,
} from './webhook-signature';
export type {
  SignWebhookInput,
  VerifyWebhookInput,
  WebhookHeaderSource,
  WebhookSignatureHeaders,
  WebhookVerification,
  WebhookVerificationFailure,
} from './webhook-signature';

export const SOURCE = '/meridian/webhook-dispatcher';

/** Lifecycle steps of this service, as `<service>.<step>` (the contract's form). */
export const STEPS = {
  deliver: 'webhook-dispatcher.deliver',
  exhausted: 'webhook-dispatcher.exhausted',
  endpointDisabled: 'webhook-dispatcher.endpoint-disabled',
} as const;

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

/** The app's settings object (an instance of ServiceDefinition.settings). */
export const SERVICE_SETTINGS = Symbol('SERVICE_SETTINGS');

/** The service's CompactedTopicView instances other than IntegrationConfigView (readiness checks them). */
export const COMPACTED_VIEWS = Symbol('COMPACTED_VIEWS');

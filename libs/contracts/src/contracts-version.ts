/**
 * The version of the contract set, shown in the AsyncAPI document. Minor for an addition (topic, event
 * type, optional field); never major: wire names are frozen and a breaking change is a new `.v2` beside v1.
 */
export const CONTRACTS_VERSION = '1.2.0';

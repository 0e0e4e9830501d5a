// Integration and end-to-end tests: a real Kafka broker and a real Postgres, found or started
// once per run by libs/testing's global setup (see libs/testing/README.md).
module.exports = {
  ...require('./jest.preset'),
  displayName: 'integration',
  testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts', '<rootDir>/{apps,tools}/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  testTimeout: 120_000,
  // Suites share one broker and one database; running them one at a time keeps a 2-core
  // machine from starving the broker and keeps consumer-group rebalances quick.
  maxWorkers: 1,
};

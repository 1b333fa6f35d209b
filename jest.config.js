/** Unit tests live beside the modules they test (connector/**), acceptance tests in acceptance-tests/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/connector', '<rootDir>/acceptance-tests', '<rootDir>/scripts'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 120000,
};

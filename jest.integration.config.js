// Integration tests: real Kafka broker and real PostgreSQL, started by tools/stack (npm test).
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testRegex: '\\.integration-spec\\.ts$',
  testTimeout: 240000,
};

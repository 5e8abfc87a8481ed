import { NODE_ID, serverProperties, serverPropertiesText } from './kafka-server-properties';

const base = { port: 19100, controllerPort: 19101, dataDir: '/tmp/broker' };
const tls = { caFile: '/tmp/ca.crt', keystoreFile: '/tmp/broker.p12', keystorePassword: 'pw' };

describe('serverProperties', () => {
  it('makes one KRaft node, broker and controller, on loopback, with its logs in <dataDir>/data', () => {
    const props = serverProperties(base);
    expect(props).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': NODE_ID,
      'controller.quorum.voters': `${NODE_ID}@127.0.0.1:19101`,
      listeners: 'PLAINTEXT://127.0.0.1:19100,CONTROLLER://127.0.0.1:19101',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:19100',
      'log.dirs': '/tmp/broker/data',
      'auto.create.topics.enable': false,
      'offsets.topic.replication.factor': 1,
    });
  });

  it('adds the SASL_SSL listener only when it has both users and a keystore', () => {
    const saslSsl = { port: 19102, users: { alice: 'secret1', bob: 'secret2' } };
    expect(serverProperties({ ...base, saslSsl })).not.toHaveProperty(
      'listener.name.sasl_ssl.sasl.enabled.mechanisms',
    );
    const props = serverProperties({ ...base, saslSsl, tls });
    expect(props.listeners).toBe(
      'PLAINTEXT://127.0.0.1:19100,CONTROLLER://127.0.0.1:19101,SASL_SSL://127.0.0.1:19102',
    );
    expect(props['advertised.listeners']).toBe(
      'PLAINTEXT://127.0.0.1:19100,SASL_SSL://127.0.0.1:19102',
    );
    expect(props['listener.name.sasl_ssl.sasl.enabled.mechanisms']).toBe(
      'SCRAM-SHA-256,SCRAM-SHA-512,PLAIN',
    );
    expect(props['listener.name.sasl_ssl.plain.sasl.jaas.config']).toBe(
      'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="secret1" user_bob="secret2";',
    );
    expect(props['listener.name.sasl_ssl.ssl.keystore.location']).toBe('/tmp/broker.p12');
  });
});

describe('serverPropertiesText', () => {
  it('writes one key=value a line under a header naming its writer', () => {
    const lines = serverPropertiesText(base, 'the test').split('\n');
    expect(lines[0]).toBe('# Written by the test on every start; edits are overwritten.');
    expect(lines).toContain('node.id=1');
    expect(lines).toContain('auto.create.topics.enable=false');
    expect(lines[lines.length - 1]).toBe('');
    expect(lines.slice(1, -1).every((line) => /^[a-z0-9._-]+=\S/.test(line))).toBe(true);
  });
});

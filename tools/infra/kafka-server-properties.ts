/**
 * server.properties of the local single-node broker (KRaft, broker and controller in one JVM),
 * sized for a 2-core laptop: few threads, small buffers, few internal-topic partitions.
 */
import * as path from 'node:path';
import { BrokerTls } from './kafka-tls';

/** The node id of the only broker and controller. */
export const NODE_ID = 1;
/** What the SASL_SSL listener offers besides PLAIN; KRaft stores these users at format time. */
export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

export interface SaslSslListener {
  port: number;
  /** User name -> password, both [A-Za-z0-9_-]+. */
  users: Record<string, string>;
}

export interface ServerPropertiesOptions {
  port: number;
  controllerPort: number;
  dataDir: string;
  saslSsl?: SaslSslListener;
  /** The SASL_SSL listener's keystore: without it, no SASL_SSL listener is configured. */
  tls?: BrokerTls;
}

/** The file's text; `writer` names what writes it, since edits to it are overwritten. */
export function serverPropertiesText(options: ServerPropertiesOptions, writer: string): string {
  return (
    `# Written by ${writer} on every start; edits are overwritten.\n` +
    Object.entries(serverProperties(options))
      .map(([k, v]) => `${k}=${String(v)}`)
      .join('\n') +
    '\n'
  );
}

export function serverProperties({
  port,
  controllerPort,
  dataDir,
  saslSsl,
  tls,
}: ServerPropertiesOptions): Record<string, string | number | boolean> {
  return {
    'process.roles': 'broker,controller',
    'node.id': NODE_ID,
    'controller.quorum.voters': `${NODE_ID}@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': path.join(dataDir, 'data'),
    // Single node: every replication factor and min ISR is 1.
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    // Internal topics are created on first use; 50 partitions each is slow to create here.
    'offsets.topic.num.partitions': 5,
    'transaction.state.log.num.partitions': 5,
    'share.coordinator.state.topic.num.partitions': 5,
    'group.initial.rebalance.delay.ms': 0,
    // Topics are created explicitly (topic names and settings live in the contracts lib).
    'auto.create.topics.enable': false,
    // Small machine: fewer threads than the server defaults (3 network, 8 io, 10 background).
    'num.network.threads': 2,
    'num.io.threads': 2,
    'background.threads': 2,
    'num.recovery.threads.per.data.dir': 1,
    'log.cleaner.threads': 1,
    // The cleaner's dedupe buffer defaults to 128 MiB of heap; a dev broker needs far less.
    'log.cleaner.dedupe.buffer.size': 16 * 1024 * 1024,
    // Check for compactable logs every 5 s instead of 15 s: compacted topics settle quickly.
    'log.cleaner.backoff.ms': 5000,
    // Keep the disk footprint of a dev broker bounded.
    'log.retention.hours': 24,
    'log.retention.bytes': 512 * 1024 * 1024,
    'log.segment.bytes': 64 * 1024 * 1024,
    'log.retention.check.interval.ms': 60_000,
    ...(saslSsl && tls ? saslSslProperties(port, controllerPort, saslSsl, tls) : {}),
  };
}

/** The SASL_SSL listener beside PLAINTEXT; brokers and controller keep talking in the clear. */
function saslSslProperties(
  port: number,
  controllerPort: number,
  saslSsl: SaslSslListener,
  tls: BrokerTls,
): Record<string, string> {
  const listener = 'listener.name.sasl_ssl';
  const plainUsers = Object.entries(saslSsl.users)
    .map(([name, password]) => `user_${name}="${password}"`)
    .join(' ');
  const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  return {
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort},SASL_SSL://127.0.0.1:${saslSsl.port}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port},SASL_SSL://127.0.0.1:${saslSsl.port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
    [`${listener}.sasl.enabled.mechanisms`]: SCRAM_MECHANISMS.concat('PLAIN').join(','),
    [`${listener}.plain.sasl.jaas.config`]: `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    [`${listener}.scram-sha-256.sasl.jaas.config`]: scram,
    [`${listener}.scram-sha-512.sasl.jaas.config`]: scram,
    [`${listener}.ssl.keystore.type`]: 'PKCS12',
    [`${listener}.ssl.keystore.location`]: tls.keystoreFile,
    [`${listener}.ssl.keystore.password`]: tls.keystorePassword,
    [`${listener}.ssl.key.password`]: tls.keystorePassword,
  };
}

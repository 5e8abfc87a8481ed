import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Consumer, Kafka } from 'kafkajs';
import { ConsumerCrashRecovery, ReplaceableConsumer } from '@app/kafka';
import { Counter, Gauge, Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@app/observability';
import { decodeLifecycleMessage, Topic, topicName } from '@app/contracts';
import { GatewayConfig } from '../gateway.config';
import { LiveMessage, liveMessage } from './live-message';

/** How a client is connected: each has its own gauge, buffer limit and drop counter. */
export type LiveTransport = 'sse' | 'websocket';

/** What a connected client is to the fan-out: somewhere to send lifecycle messages. */
export interface LiveClient {
  readonly transport: LiveTransport;
  /** Bytes the client may fall behind before it is dropped. */
  readonly maxPendingBytes: number;
  /** Sends one message in the transport's framing. */
  send(message: LiveMessage): void;
  /** Every 15 s: SSE writes a comment so proxies keep an idle stream; WebSockets ping on their own. */
  heartbeat(): void;
  /** Bytes sent but not yet taken by the client's socket. */
  pendingBytes(): number;
  /** Ends the connection cleanly (shutdown): what is buffered is still sent. */
  close(): void;
  /**
   * Ends a client that fell more than maxPendingBytes behind without keeping what it has not
   * read: buffering it would let one stuck client hold memory without bound.
   */
  drop(): void;
}

/** Why a client was not added: the caller answers 429 with this. */
export class TooManyStreams extends Error {}

const HEARTBEAT_MS = 15_000;

/** Each transport's metrics: the gauge of clients connected and the counter of drops. */
const TRANSPORT_METRICS: Record<
  LiveTransport,
  { name: string; open: string; openHelp: string; dropped: string; droppedHelp: string }
> = {
  sse: {
    name: 'stream',
    open: 'eventmon_gateway_live_streams',
    openHelp: 'Live incident streams open',
    dropped: 'eventmon_gateway_live_streams_dropped_total',
    droppedHelp: 'Live incident streams dropped for falling more than 1 MiB behind',
  },
  websocket: {
    name: 'WebSocket',
    open: 'eventmon_gateway_live_websockets',
    openHelp: 'Live incident WebSocket clients connected',
    dropped: 'eventmon_gateway_live_websockets_dropped_total',
    droppedHelp:
      'Live incident WebSocket clients closed (1008) for falling more than GATEWAY_WS_MAX_BUFFERED_BYTES behind',
  },
};

const inWords = (bytes: number): string =>
  bytes % 1_048_576 === 0 ? `${bytes / 1_048_576} MiB` : `${bytes} bytes`;

/**
 * One Kafka consumer per gateway process on `notifications`, fanned out to every connected
 * client, over SSE and WebSocket alike. The group id is unique per process, so every replica
 * sees every message, and a new group starts at the latest offsets: the stream is live, the
 * list routes are history. Messages go out without the rule's channels: every read key may
 * listen. A consumer kafkajs gives up on is replaced in-process by a new group, which starts
 * at the latest offsets too: what was published while the broker was away is in the list
 * routes, not in the stream.
 */
@Injectable()
export class LiveIncidentsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(LiveIncidentsService.name);
  private readonly clients = new Set<LiveClient>();
  /**
   * Open connections per API key (principal id), both transports together: one key cannot
   * hold every socket and buffer.
   */
  private readonly perKey = new Map<string, number>();
  private readonly client: ReplaceableConsumer;
  private readonly recovery: ConsumerCrashRecovery;
  private heartbeat?: NodeJS.Timeout;
  private readonly dropped: Record<LiveTransport, Counter>;

  constructor(
    kafka: Kafka,
    private readonly config: GatewayConfig,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    const clients = this.clients;
    const counters: Partial<Record<LiveTransport, Counter>> = {};
    for (const [transport, metric] of Object.entries(TRANSPORT_METRICS)) {
      new Gauge({
        name: metric.open,
        help: metric.openHelp,
        registers: [registry],
        collect() {
          this.set([...clients].filter((client) => client.transport === transport).length);
        },
      });
      counters[transport as LiveTransport] = new Counter({
        name: metric.dropped,
        help: metric.droppedHelp,
        registers: [registry],
      });
    }
    this.dropped = counters as Record<LiveTransport, Counter>;
    this.client = new ReplaceableConsumer(
      (retry) =>
        kafka.consumer({
          retry,
          groupId: `${config.kafkaTopicPrefix}gateway-live-${randomUUID()}`,
          maxWaitTimeInMs: 100,
        }),
      (consumer, generation) => this.follow(consumer, generation),
      this.logger,
    );
    this.recovery = new ConsumerCrashRecovery(this.client, 'live incident stream', this.logger);
  }

  /** Returns once the consumer has its partitions: a client that connects then misses nothing. */
  async onModuleInit(): Promise<void> {
    const first = this.client.consumer;
    const joined = new Promise<void>((resolve) => {
      const stop = first.on(first.events.GROUP_JOIN, () => {
        stop();
        resolve();
      });
    });
    await this.client.start();
    this.heartbeat = setInterval(() => {
      for (const client of this.clients) client.heartbeat();
    }, HEARTBEAT_MS);
    const patience = new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(false), 30_000).unref(),
    );
    if (!(await Promise.race([joined.then(() => true), patience]))) {
      this.logger.warn('live incident stream: no partitions after 30 s, starting anyway');
    }
  }

  private async follow(consumer: Consumer, generation: number): Promise<void> {
    this.recovery.watch(consumer, generation);
    await consumer.connect();
    await consumer.subscribe({
      topic: topicName(Topic.Notifications, this.config.kafkaTopicPrefix),
      fromBeginning: false,
    });
    await consumer.run({
      eachMessage: ({ message }) => {
        const decoded = decodeLifecycleMessage(message.value);
        if (!decoded.ok) return Promise.resolve(); // the consumer dead-letters it; nothing to show
        this.broadcast(liveMessage(decoded.value));
        return Promise.resolve();
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.close();
    this.clients.clear();
    this.recovery.stop();
    this.client.markStopped();
    await this.client.consumer.disconnect();
  }

  get connected(): number {
    return this.clients.size;
  }

  /** Adds a client of `keyId`, or throws TooManyStreams past the per-key cap; returns its remover. */
  add(client: LiveClient, keyId: string): () => void {
    const release = this.reserve(keyId);
    const detach = this.attach(client);
    return () => {
      detach();
      release();
    };
  }

  /**
   * Takes one of `keyId`'s connections, or throws TooManyStreams past the per-key cap; returns
   * its release (idempotent). A WebSocket takes it at the upgrade, before it is a client.
   */
  reserve(keyId: string): () => void {
    const open = this.perKey.get(keyId) ?? 0;
    if (open >= this.config.sseMaxPerKey) {
      throw new TooManyStreams(
        `this API key already has ${open} live streams open, the most allowed (GATEWAY_SSE_MAX_PER_KEY): close one first`,
      );
    }
    this.perKey.set(keyId, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.perKey.get(keyId) ?? 1) - 1;
      if (left > 0) this.perKey.set(keyId, left);
      else this.perKey.delete(keyId);
    };
  }

  /** Starts sending to a client; returns its remover. */
  attach(client: LiveClient): () => void {
    this.clients.add(client);
    return () => void this.clients.delete(client);
  }

  private broadcast(message: LiveMessage): void {
    for (const client of this.clients) {
      client.send(message);
      if (client.pendingBytes() > client.maxPendingBytes) {
        const metrics = TRANSPORT_METRICS[client.transport];
        this.logger.warn(
          `a live ${metrics.name} client fell more than ${inWords(client.maxPendingBytes)} behind: dropped`,
        );
        this.clients.delete(client);
        this.dropped[client.transport].inc();
        client.drop();
      }
    }
  }
}

import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Consumer, Kafka } from 'kafkajs';
import { ConsumerCrashRecovery, ReplaceableConsumer } from '@app/kafka';
import { Counter, Gauge, Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@app/observability';
import { decodeLifecycleMessage, Topic, topicName, withoutChannels } from '@app/contracts';
import { GatewayConfig } from '../gateway.config';

/** What a connected client is to the fan-out: somewhere to write Server-Sent Events. */
export interface LiveClient {
  /** Writes a chunk; false when the client's socket buffer is full (it is reading slowly). */
  write(chunk: string): boolean;
  /** Bytes written but not yet taken by the client's socket. */
  pendingBytes(): number;
  /** Ends the stream cleanly (shutdown): what is buffered is still sent. */
  close(): void;
  /**
   * Drops the connection at once, discarding what is buffered: ending it would keep the
   * megabyte it is behind in memory until the slow client has read it all.
   */
  drop(): void;
}

/** Why a client was not added: the caller answers 429 with this. */
export class TooManyStreams extends Error {}

/** A client this far behind is dropped rather than buffered without bound. */
const MAX_PENDING_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/**
 * One Kafka consumer per gateway process on `notifications`, fanned out to every connected
 * client. The group id is unique per process, so every replica sees every message, and a
 * new group starts at the latest offsets: the stream is live, the list routes are history.
 * Messages go out without the rule's channels: every read key may listen. A consumer kafkajs
 * gives up on is replaced in-process by a new group, which starts at the latest offsets too:
 * what was published while the broker was away is in the list routes, not in the stream.
 */
@Injectable()
export class LiveIncidentsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(LiveIncidentsService.name);
  private readonly clients = new Set<LiveClient>();
  /** Open streams per API key (principal id): one key cannot hold every socket and buffer. */
  private readonly perKey = new Map<string, number>();
  private readonly client: ReplaceableConsumer;
  private readonly recovery: ConsumerCrashRecovery;
  private heartbeat?: NodeJS.Timeout;
  private readonly dropped: Counter;

  constructor(
    kafka: Kafka,
    private readonly config: GatewayConfig,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    const clients = this.clients;
    new Gauge({
      name: 'eventmon_gateway_live_streams',
      help: 'Live incident streams open',
      registers: [registry],
      collect() {
        this.set(clients.size);
      },
    });
    this.dropped = new Counter({
      name: 'eventmon_gateway_live_streams_dropped_total',
      help: 'Live incident streams dropped for falling more than 1 MiB behind',
      registers: [registry],
    });
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
    this.heartbeat = setInterval(() => this.broadcast(': heartbeat\n\n'), HEARTBEAT_MS);
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
        const shown = { ...decoded.value, incident: withoutChannels(decoded.value.incident) };
        this.broadcast(`event: ${shown.kind}\ndata: ${JSON.stringify(shown)}\n\n`);
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
    const open = this.perKey.get(keyId) ?? 0;
    if (open >= this.config.sseMaxPerKey) {
      throw new TooManyStreams(
        `this API key already has ${open} live streams open, the most allowed (GATEWAY_SSE_MAX_PER_KEY): close one first`,
      );
    }
    this.perKey.set(keyId, open + 1);
    this.clients.add(client);
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.clients.delete(client);
      const left = (this.perKey.get(keyId) ?? 1) - 1;
      if (left > 0) this.perKey.set(keyId, left);
      else this.perKey.delete(keyId);
    };
  }

  private broadcast(chunk: string): void {
    for (const client of this.clients) {
      client.write(chunk);
      if (client.pendingBytes() > MAX_PENDING_BYTES) {
        this.logger.warn('a live client fell more than 1 MiB behind: dropped');
        this.clients.delete(client);
        this.dropped.inc();
        client.drop();
      }
    }
  }
}

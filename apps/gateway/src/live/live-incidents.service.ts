import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Consumer, Kafka } from 'kafkajs';
import { decodeLifecycleMessage, Topic, topicName } from '@app/contracts';
import { GatewayConfig } from '../gateway.config';

/** What a connected client is to the fan-out: somewhere to write Server-Sent Events. */
export interface LiveClient {
  /** Writes a chunk; false when the client's socket buffer is full (it is reading slowly). */
  write(chunk: string): boolean;
  /** Bytes written but not yet taken by the client's socket. */
  pendingBytes(): number;
  close(): void;
}

/** A client this far behind is disconnected rather than buffered without bound. */
const MAX_PENDING_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/**
 * One Kafka consumer per gateway process on `notifications`, fanned out to every connected
 * client. The group id is unique per process, so every replica sees every message, and a
 * new group starts at the latest offsets: the stream is live, the list routes are history.
 */
@Injectable()
export class LiveIncidentsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(LiveIncidentsService.name);
  private readonly clients = new Set<LiveClient>();
  private readonly consumer: Consumer;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    kafka: Kafka,
    private readonly config: GatewayConfig,
  ) {
    this.consumer = kafka.consumer({
      groupId: `${config.kafkaTopicPrefix}gateway-live-${randomUUID()}`,
      maxWaitTimeInMs: 100,
    });
  }

  /** Returns once the consumer has its partitions: a client that connects then misses nothing. */
  async onModuleInit(): Promise<void> {
    const joined = new Promise<void>((resolve) => {
      const stop = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        stop();
        resolve();
      });
    });
    await this.consumer.connect();
    await this.consumer.subscribe({
      topic: topicName(Topic.Notifications, this.config.kafkaTopicPrefix),
      fromBeginning: false,
    });
    await this.consumer.run({
      eachMessage: ({ message }) => {
        const decoded = decodeLifecycleMessage(message.value);
        if (!decoded.ok) return Promise.resolve(); // the consumer dead-letters it; nothing to show
        const kind = decoded.value.kind;
        this.broadcast(`event: ${kind}\ndata: ${JSON.stringify(decoded.value)}\n\n`);
        return Promise.resolve();
      },
    });
    this.heartbeat = setInterval(() => this.broadcast(': heartbeat\n\n'), HEARTBEAT_MS);
    const patience = new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(false), 30_000).unref(),
    );
    if (!(await Promise.race([joined.then(() => true), patience]))) {
      this.logger.warn('live incident stream: no partitions after 30 s, starting anyway');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.close();
    this.clients.clear();
    await this.consumer.disconnect();
  }

  get connected(): number {
    return this.clients.size;
  }

  add(client: LiveClient): () => void {
    this.clients.add(client);
    return () => this.clients.delete(client);
  }

  private broadcast(chunk: string): void {
    for (const client of this.clients) {
      client.write(chunk);
      if (client.pendingBytes() > MAX_PENDING_BYTES) {
        this.logger.warn('a live client fell more than 1 MiB behind: disconnected');
        this.clients.delete(client);
        client.close();
      }
    }
  }
}

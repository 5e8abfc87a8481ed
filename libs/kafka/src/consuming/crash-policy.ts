import { Logger } from '@nestjs/common';
import { Consumer } from 'kafkajs';
import { ConsumerCrashRecovery } from '../consumer-crash-recovery';
import { ReplaceableConsumer } from '../replaceable-consumer';

/**
 * What happens when kafkajs gives a consumer up for good (CRASH with `restart: false`):
 * - `exit`: the process stops (with a fatal line) to be restarted by its supervisor: better
 *   than looking alive and consuming nothing. For group consumers whose commits matter.
 * - `replace`: a fresh consumer starts in-process, with backoff (ConsumerCrashRecovery).
 */
export type CrashPolicy = 'exit' | 'replace';

/** Wires one generation's consumer to the policy; `stop` disarms it. */
export interface CrashWatch {
  watch(consumer: Consumer, generation: number): void;
  stop(): void;
}

/** Asks for a graceful shutdown, as an orchestrator would: the stop hooks still run. */
export function terminateProcess(): void {
  process.exitCode = 1;
  process.kill(process.pid, 'SIGTERM');
}

export function crashWatch(
  policy: CrashPolicy,
  client: ReplaceableConsumer,
  name: string,
  logger: Logger,
  exit: () => void = terminateProcess,
): CrashWatch {
  if (policy === 'replace') return new ConsumerCrashRecovery(client, name, logger);
  return {
    watch: (consumer, generation) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        // restart: true means kafkajs restarts it itself; an older generation is already replaced.
        if (payload.restart || !client.isCurrent(generation)) return;
        logger.fatal(`Kafka consumer crashed and will not restart: ${payload.error.message}`);
        exit();
      });
    },
    // A stopped client is no longer current: nothing to disarm.
    stop: () => undefined,
  };
}

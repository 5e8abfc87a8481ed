import { Clock } from '../generation/clock';
import { PropagatorConfig, sinkOf } from '../propagator.config';
import { BatchSender } from '../services/publish-pipeline';
import { EventsTopicPublisher } from './events-topic.publisher';
import { HttpEventsSender } from './http-events.sender';

/** Where a thread's batches go: the configured sink (the Kafka publisher by default). */
export function eventsSink(
  config: PropagatorConfig,
  kafka: EventsTopicPublisher,
  clock: Clock,
): BatchSender {
  if (sinkOf(config) === 'kafka') return kafka;
  return new HttpEventsSender(
    { endpoint: config.endpoint!, apiKey: config.apiKey, timeoutMs: config.httpTimeoutMs },
    clock,
  );
}

/** Where events go, for the start-up log line. */
export function describeSink(config: PropagatorConfig, kafka: EventsTopicPublisher): string {
  return sinkOf(config) === 'kafka' ? kafka.topic : `POST ${config.endpoint}`;
}

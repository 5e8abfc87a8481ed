/**
 * An event ready for Kafka. It is a kafkajs Message as it stands (key, value), so a batch
 * goes to `producer.send` without being copied; `type` is only for the metrics.
 */
export interface OutgoingEvent {
  type: string;
  key: string;
  value: string;
}

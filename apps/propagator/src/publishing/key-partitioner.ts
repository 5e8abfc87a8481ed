import { ICustomPartitioner, Partitioners } from 'kafkajs';

const MAX_REMEMBERED_KEYS = 100_000;

/**
 * kafkajs' DefaultPartitioner (murmur2, the same partition for a key as the Java client),
 * remembering each key's partition. A load run sends millions of messages over a handful of
 * keys; hashing every one (and the array the default partitioner builds per message) costs
 * a measurable share of the CPU at 50,000 events/s. The cache is reset whenever the
 * partition count changes, so a key never lands anywhere the default would not put it.
 */
export const CachingKeyPartitioner: ICustomPartitioner = () => {
  const partition = Partitioners.DefaultPartitioner();
  const cache = new Map<string, number>();
  let cachedTopic: string | undefined;
  let cachedPartitions = -1;
  return (args) => {
    const { topic, partitionMetadata, message } = args;
    if (typeof message.key !== 'string' || message.partition != null) return partition(args);
    if (topic !== cachedTopic || partitionMetadata.length !== cachedPartitions) {
      cache.clear();
      cachedTopic = topic;
      cachedPartitions = partitionMetadata.length;
    }
    let chosen = cache.get(message.key);
    if (chosen === undefined) {
      chosen = partition(args);
      if (cache.size < MAX_REMEMBERED_KEYS) cache.set(message.key, chosen);
    }
    return chosen;
  };
};

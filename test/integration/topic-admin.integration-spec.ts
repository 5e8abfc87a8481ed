import { ConfigResourceTypes } from 'kafkajs';
import { DEFAULT_TOPIC_SPECS, Topic, topicName } from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import { uniqueSuffix } from '../support/integration-env';
import { deleteTopicsWithPrefix, testKafka } from '../support/kafka';

/**
 * Every service creates the topics it needs at start-up, and `npm start` starts them all at
 * once on a fresh broker: concurrent creation of the same topics must work for each of them.
 */
describe('ensureTopics', () => {
  it('lets several services create the same topics at the same moment', async () => {
    const kafka = testKafka();
    const all = Object.values(Topic);
    // Several rounds with the starts spread over a few tens of milliseconds, as processes are.
    for (let round = 0; round < 8; round++) {
      const prefix = `it-${uniqueSuffix()}-`;
      try {
        const results = await Promise.allSettled(
          Array.from({ length: 4 }, async (_, i) => {
            await new Promise((resolve) => setTimeout(resolve, (i * 7 + round * 13) % 40));
            await ensureTopics(testKafka(`service-${i}`), i % 2 === 0 ? all : all.slice(1, 5), {
              prefix,
            });
          }),
        );
        expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
        const admin = kafka.admin();
        await admin.connect();
        try {
          const { topics } = await admin.fetchTopicMetadata({
            topics: all.map((topic) => topicName(topic, prefix)),
          });
          expect(Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]))).toEqual(
            Object.fromEntries(
              all.map((topic) => [topicName(topic, prefix), DEFAULT_TOPIC_SPECS[topic].partitions]),
            ),
          );
        } finally {
          await admin.disconnect();
        }
      } finally {
        await deleteTopicsWithPrefix(kafka, prefix);
      }
    }
  });

  it('creates each topic with its settings (compaction, retention, segments)', async () => {
    const kafka = testKafka();
    const prefix = `it-${uniqueSuffix()}-`;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(kafka, Object.values(Topic), { prefix });
      const withSettings = Object.values(Topic).filter(
        (topic) => Object.keys(DEFAULT_TOPIC_SPECS[topic].configs).length > 0,
      );
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: withSettings.map((topic) => ({
          type: ConfigResourceTypes.TOPIC,
          name: topicName(topic, prefix),
          configNames: Object.keys(DEFAULT_TOPIC_SPECS[topic].configs),
        })),
      });
      const described = Object.fromEntries(
        resources.map((resource) => [
          resource.resourceName,
          Object.fromEntries(resource.configEntries.map((e) => [e.configName, e.configValue])),
        ]),
      );
      expect(described).toEqual(
        Object.fromEntries(
          withSettings.map((topic) => [
            topicName(topic, prefix),
            DEFAULT_TOPIC_SPECS[topic].configs,
          ]),
        ),
      );
      // A killed alerting replica writes no tombstone: its report must still go in time.
      expect(described[topicName(Topic.AlertingStatus, prefix)]).toMatchObject({
        'cleanup.policy': 'compact,delete',
        'retention.ms': '86400000',
      });
    } finally {
      await admin.disconnect();
      await deleteTopicsWithPrefix(kafka, prefix);
    }
  });
});

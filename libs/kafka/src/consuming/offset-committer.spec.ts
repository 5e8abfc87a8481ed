import { Logger } from '@nestjs/common';
import { Consumer } from 'kafkajs';
import { FakeKafka } from '../testing/fake-kafka';
import { OffsetCommitter } from './offset-committer';
import { OffsetTracker } from './offset-tracker';

function setup() {
  const kafka = new FakeKafka();
  const consumer = kafka.asKafka().consumer({ groupId: 'g' });
  const fake = kafka.latest;
  const tracker = new OffsetTracker();
  const warnings: string[] = [];
  const logger = new Logger('test');
  jest.spyOn(logger, 'warn').mockImplementation((m: string) => void warnings.push(m));
  let metadata = 'rules@1';
  const committer = new OffsetCommitter(
    (): Consumer => consumer,
    'events',
    tracker,
    logger,
    () => metadata,
  );
  return { fake, tracker, committer, warnings, setMetadata: (m: string) => (metadata = m) };
}

describe('OffsetCommitter', () => {
  it('commits what the tracker allows, once, and again when its metadata changes', async () => {
    const { fake, tracker, committer, setMetadata } = setup();
    tracker.completed(0, '4');
    await committer.flush();
    await committer.flush();
    expect(fake.commits).toEqual([
      [{ topic: 'events', partition: 0, offset: '5', metadata: 'rules@1' }],
    ]);
    setMetadata('rules@2');
    await committer.flush();
    expect(fake.commits[1]).toEqual([
      { topic: 'events', partition: 0, offset: '5', metadata: 'rules@2' },
    ]);
  });

  it('logs a refused commit and tries it again at the next flush', async () => {
    const { fake, tracker, committer, warnings } = setup();
    tracker.completed(1, '9');
    fake.commitFailures = [new Error('The group is rebalancing')];
    await committer.flush();
    expect(warnings).toEqual(['commit failed: The group is rebalancing']);
    await committer.flush();
    expect(fake.commits).toEqual([
      [{ topic: 'events', partition: 1, offset: '10', metadata: 'rules@1' }],
    ]);
  });

  it('commits a forgotten partition afresh once it has progress again', async () => {
    const { fake, tracker, committer } = setup();
    tracker.completed(0, '4');
    await committer.flush();
    committer.forget([0]);
    await committer.flush();
    expect(fake.commits).toHaveLength(1);
    tracker.completed(0, '4');
    await committer.flush();
    expect(fake.commits).toHaveLength(2);
  });
});

import { ChannelConfig, DeliveryRecord, LifecycleMessage } from '@app/contracts';
import { DeliveryExecutor, DeliveryResult } from '../delivery-executor';
import { lifecycleMessage } from './lifecycle-fixture';

export interface DeliveryRun {
  result: DeliveryResult;
  records: DeliveryRecord[];
}

/** One delivery through the real executor, collecting its attempt records. */
export async function deliverOnce(
  executor: DeliveryExecutor,
  channel: ChannelConfig,
  message: LifecycleMessage = lifecycleMessage(),
  channelIndex = 0,
): Promise<DeliveryRun> {
  const records: DeliveryRecord[] = [];
  const result = await executor.deliver({ message, channel, channelIndex }, (record) => {
    records.push(record);
    return Promise.resolve();
  });
  return { result, records };
}

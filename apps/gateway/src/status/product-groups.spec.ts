import { AlertingConfig } from '../../../alerting/src/alerting.config';
import { ConsumerConfig } from '../../../consumer/src/consumer.config';
import { GatewayConfig } from '../gateway.config';
import { productGroups } from './product-groups';

describe('productGroups', () => {
  it('names the groups the consumer and alerting run with their defaults', () => {
    const consumer = new ConsumerConfig();
    const alerting = new AlertingConfig();
    expect(productGroups(new GatewayConfig()).map((g) => [g.service, g.groupId])).toEqual([
      ['consumer', consumer.groupId],
      ['consumer-notifications', consumer.effectiveNotificationsGroupId()],
      ['alerting', alerting.groupId],
      ['alerting-repartition', `${alerting.groupId}-repartition`],
      ['alerting-dispatch', alerting.dispatchGroupId],
    ]);
  });

  it('follows the settings and the topic prefix', () => {
    const groups = productGroups({
      kafkaTopicPrefix: 'p.',
      consumerGroupId: 'c',
      consumerNotificationsGroupId: '',
      alertingGroupId: 'a',
      alertingDispatchGroupId: 'd',
    });
    expect(groups).toEqual([
      { service: 'consumer', groupId: 'c', topics: ['p.events'] },
      {
        service: 'consumer-notifications',
        groupId: 'c-notifications',
        topics: ['p.notifications', 'p.notifications.deliveries'],
      },
      { service: 'alerting', groupId: 'a', topics: ['p.events'] },
      {
        service: 'alerting-repartition',
        groupId: 'a-repartition',
        topics: ['p.alerting-repartition'],
      },
      { service: 'alerting-dispatch', groupId: 'd', topics: ['p.notifications'] },
    ]);
  });
});

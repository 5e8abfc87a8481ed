import { Global, Module } from '@nestjs/common';
import { TopicPublisher } from './topic-publisher';

@Global()
@Module({ providers: [TopicPublisher], exports: [TopicPublisher] })
export class GatewayKafkaModule {}

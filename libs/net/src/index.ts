export * from './address-class';
export * from './cidr';
export * from './egress-policy';
export * from './host-allow-list';
export * from './ip-address';
export * from './port-allow-list';
export * from './channel-urls';

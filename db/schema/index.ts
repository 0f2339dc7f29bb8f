export * from './customers';
export * from './staff';
export * from './tickets';
export * from './outbox';

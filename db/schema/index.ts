export * from './auth';
export * from './chat';
export * from './commerce';
export * from './generation';
export * from './media';
export * from './notifications';
export * from './profile';

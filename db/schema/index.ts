export * from './auth';
export * from './chat';
export * from './commerce';
export * from './notifications';
export * from './profile';

export * from './auth';
export * from './chat';
export * from './notifications';
export * from './profile';

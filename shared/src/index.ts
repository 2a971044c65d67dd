export * from './time.ts';
export * from './wire/messages.ts';
export * from './errors/registry.ts';

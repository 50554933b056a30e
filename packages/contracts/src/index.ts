export * from './ids.js';
export * from './vocabulary.js';
export * from './envelope.js';
export * from './registry.js';
export * from './events/trainings.js';
export * from './catalog.js';
export * from './json-schema.js';

// The event-history generator, apart from the testkit's main entry (which needs vitest), so the bench loads it too.
export { generateEvents, mixOf, serviceEvents, type Generated, type GeneratorOptions } from './generator.js';
export { beneficiaryKey, dayAfter } from './keys.js';

// The typed events, their zod schemas and the registry come from @passerelle/contracts; re-exported so an app needs one import.
export * from '@passerelle/contracts';
export {
  subscribe,
  type Subscription,
  type SubscribeOptions,
  type Handlers,
  type Handler,
  type HandlerContext,
  type EventParser,
  type SubscribeLogger,
} from './subscribe.js';
export { filterSubject, type EventFilter } from './filter.js';
export { deliverPolicy, DEAD_LETTER_HEADERS, type ReplayFrom } from './consumer.js';
export { PoisonEventError, SubscribeOptionsError, SubscribeErrorCode } from './errors.js';
export { idempotent, memoryIdempotencyStore, type IdempotencyStore } from './idempotency.js';
export { traceContextOf } from './tracing.js';

/** Stable codes of the SDK's own errors. */
export const SubscribeErrorCode = {
  BadOptions: 'BAD_OPTIONS',
  Poison: 'POISON_EVENT',
} as const;
export type SubscribeErrorCode = (typeof SubscribeErrorCode)[keyof typeof SubscribeErrorCode];

/** Options that cannot work (no handler, a type filter outside the service filter, ...). */
export class SubscribeOptionsError extends Error {
  override readonly name = 'SubscribeOptionsError';
  readonly code = SubscribeErrorCode.BadOptions;
}

/** Throw from a handler for an event that will never succeed: it goes to the dead-letter subject at once, without retries. */
export class PoisonEventError extends Error {
  override readonly name = 'PoisonEventError';
  readonly code = SubscribeErrorCode.Poison;
}

/**
 * Headers of a dead letter (`evt_dlq.<consumer>`): the original's headers (trace context) plus where it came from and
 * why. Part of the contract: the platform's consumers write them, the SDK writes them for internal apps, and both
 * the projection's admin API and integrators read them.
 */
export const DEAD_LETTER_HEADERS = {
  reason: 'Passerelle-Dlq-Reason',
  stream: 'Passerelle-Dlq-Stream',
  sequence: 'Passerelle-Dlq-Sequence',
  subject: 'Passerelle-Dlq-Subject',
  consumer: 'Passerelle-Dlq-Consumer',
  deliveries: 'Passerelle-Dlq-Deliveries',
} as const;

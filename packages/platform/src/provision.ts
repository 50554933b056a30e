import { z } from 'zod';
import { ConfigError, durationSeconds, streamNamesShape } from './config.js';
import type { Logger } from './logger.js';
import { connectNats, ensureEventStreams, jetstreamManager } from './nats.js';

const SIZE = /^(\d+)(B|KB|MB|GB|TB)$/i;
const UNIT_B = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 } as const;
/** A size like 512MB or 20GB, in bytes. */
export const sizeBytes = z
  .string()
  .regex(SIZE, 'like 512MB or 20GB')
  .transform((v) => {
    const [, n, unit] = SIZE.exec(v)!;
    return Number(n) * UNIT_B[unit!.toUpperCase() as keyof typeof UNIT_B];
  });

/** What the provisioning step reads: an admin NATS user, the stream names, their limits. */
export const provisionConfigShape = {
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  ...streamNamesShape,
  /** The event stream refuses new events beyond this; alerts fire at 80 % (infra/observability/prometheus/alerts.yml). */
  EVENTS_MAX_BYTES: sizeBytes.default(16 * 1024 ** 3),
  DEADLETTER_MAX_BYTES: sizeBytes.default(1024 ** 3),
  DEADLETTER_MAX_AGE: durationSeconds.default(365 * 86_400),
  STREAM_REPLICAS: z.coerce
    .number()
    .int()
    .refine((n) => n === 1 || n === 3 || n === 5, '1, 3 or 5')
    .default(1),
};
export type ProvisionConfig = z.infer<z.ZodObject<typeof provisionConfigShape>>;

/** Validates the provisioning environment; throws ConfigError naming every bad variable. */
export function loadProvisionConfig(env: NodeJS.ProcessEnv = process.env): ProvisionConfig {
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const r = z.object(provisionConfigShape).safeParse(given);
  if (!r.success) throw new ConfigError(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return r.data;
}

/** Creates or updates the event and dead-letter streams with their limits; the only writer of stream configuration. */
export async function provisionStreams(config: ProvisionConfig, logger: Logger): Promise<void> {
  const nc = await connectNats({
    url: config.NATS_URL,
    name: 'passerelle-provision',
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
    logger,
  });
  try {
    const jsm = await jetstreamManager(nc);
    const streams = {
      stream: config.EVENTS_STREAM,
      prefix: config.EVENTS_PREFIX,
      deadLetter: config.DEADLETTER_STREAM,
    };
    await ensureEventStreams(jsm, streams, {
      eventsMaxBytes: config.EVENTS_MAX_BYTES,
      deadLetterMaxBytes: config.DEADLETTER_MAX_BYTES,
      deadLetterMaxAgeNs: config.DEADLETTER_MAX_AGE * 1e9,
      replicas: config.STREAM_REPLICAS,
    });
    logger.info(
      { ...streams, maxBytes: config.EVENTS_MAX_BYTES, replicas: config.STREAM_REPLICAS },
      'streams provisioned',
    );
  } finally {
    await nc.drain().catch(() => undefined);
  }
}

import { z } from 'zod';

/** Every setting of the warehouse, from the environment (listed in services/warehouse/README.md). */
export const configShape = {
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  EVENTS_STREAM: z.string().default('EVENTS'),
  EVENTS_PREFIX: z.string().default('evt'),
  WAREHOUSE_CONSUMER: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('integration_warehouse'),
  PG_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/passerelle_warehouse'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3006),
  HOST: z.string().default('0.0.0.0'),
  // After a crash the event that was in hand blocks the (ordered) consumer until this passes: keep it short.
  WAREHOUSE_ACK_WAIT_MS: z.coerce.number().int().min(1000).default(10_000),
  WAREHOUSE_PROGRESS_MS: z.coerce.number().int().positive().default(2000),
};
export type WarehouseConfig = z.infer<z.ZodObject<typeof configShape>>;

export class WarehouseConfigError extends Error {
  override readonly name = 'WarehouseConfigError';
  readonly code = 'BAD_CONFIG';
}

/** Reads and checks the environment; a bad value stops the start with its variable named. */
export function loadWarehouseConfig(env: NodeJS.ProcessEnv = process.env): WarehouseConfig {
  const r = z.object(configShape).safeParse(env);
  if (!r.success)
    throw new WarehouseConfigError(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

import { z } from 'zod';
import { ConfigError, importConfigShape, loadConfig, serviceConfigShape } from '@passerelle/platform';

/**
 * The assistance service's environment.
 *
 * BENEFICIARY_KEY_SECRET keys the HMAC under which the keyring finds a person's pseudonym from their case reference
 * (only the assistance service holds it). It is required unless
 * the deployment explicitly turns list mode off with BENEFICIARY_LISTS=disabled. Lists are on by default, so a
 * deployment that forgot the secret does not start (the issue wants "refused at start-up, not at the first
 * request"), while a counts-only deployment can say so and run without holding a secret it never uses; its
 * list-mode requests are then refused with LIST_MODE_DISABLED. The secret must be the same for every replica
 * and must never change in a deployment's life: under another secret the keyring finds nobody, and every person
 * recorded again would be counted twice.
 */
export const configShape = {
  ...serviceConfigShape({ port: 3002, db: 'passerelle_assistance' }),
  ...importConfigShape,
  BENEFICIARY_LISTS: z.enum(['enabled', 'disabled']).default('enabled'),
  BENEFICIARY_KEY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
};
export type AssistanceConfig = z.infer<z.ZodObject<typeof configShape>>;

/** Validates the environment; a ConfigError names BENEFICIARY_KEY_SECRET when list mode needs it and it is missing. */
export function loadAssistanceConfig(env: NodeJS.ProcessEnv): AssistanceConfig {
  const config = loadConfig(configShape, env);
  if (config.BENEFICIARY_LISTS === 'enabled' && !config.BENEFICIARY_KEY_SECRET) {
    throw new ConfigError([
      'BENEFICIARY_KEY_SECRET: required to find beneficiaries in the keyring by their case reference (not set); set it to a random string of at least 32 characters, or set BENEFICIARY_LISTS=disabled to accept counts only',
    ]);
  }
  return config;
}

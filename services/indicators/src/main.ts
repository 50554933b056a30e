import { exitOnSignals, isEntryPoint, loadConfig, serviceConfigShape, startRuntime, createHttpApp } from '@passerelle/platform';

export const configShape = serviceConfigShape({ port: 3004, db: 'passerelle_indicators' });

/** Starts the indicators service (skeleton: health endpoints only until its issue lands). */
export async function start(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(configShape, env);
  const rt = await startRuntime('indicators', config);
  const app = createHttpApp({ service: 'indicators', logger: rt.logger, verify: rt.verify, readiness: rt.readiness, routes: () => {} });
  const url = await rt.listen(app);
  return { url, rt };
}

if (isEntryPoint(import.meta.url)) {
  const { rt } = await start();
  exitOnSignals(rt, rt.config.SHUTDOWN_TIMEOUT_MS);
}

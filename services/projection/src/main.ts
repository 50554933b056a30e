import { registry } from '@passerelle/contracts';
import { exitOnSignals, isEntryPoint, loadConfig, serviceConfigShape, startConsumer, startRuntime } from '@passerelle/platform';
import { createApp } from './app.js';
import { createReadModel } from './store.js';

export const configShape = serviceConfigShape({ port: 3005, db: 'passerelle_reporting' });

/** Starts the projection: consumes every event into the read model and serves the reporting API. */
export async function start(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(configShape, env);
  const rt = await startRuntime('projection', config);
  const model = await createReadModel(rt.db);
  const consumer = await startConsumer({
    nc: rt.nc, js: rt.js, jsm: rt.jsm, streams: rt.streams, logger: rt.logger,
    durable: 'projection',
    filterSubjects: [`${rt.streams.prefix}.>`],
    handler: async (m) => {
      const event = registry.parse(m.data, m.subject);
      await model.apply(event, m.info.streamSequence);
    },
  });
  rt.onShutdown(() => consumer.stop());
  const status = async () => {
    const info = await rt.jsm.streams.info(rt.streams.stream);
    const applied = await model.lastSeq();
    return { lastApplied: applied, streamHead: info.state.last_seq, lag: Math.max(0, info.state.last_seq - applied) };
  };
  const url = await rt.listen(createApp(rt, model, status));
  return { url, rt, model };
}

if (isEntryPoint(import.meta.url)) {
  const { rt } = await start();
  exitOnSignals(rt, rt.config.SHUTDOWN_TIMEOUT_MS);
}

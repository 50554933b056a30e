#!/usr/bin/env node
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { loadWarehouseConfig } from './config.js';
import { startWarehouse } from './warehouse.js';

export { configShape, loadWarehouseConfig as loadServiceConfig } from './config.js';

/** Starts the warehouse and its health/lag endpoints (GET /health/live, /health/ready, /status). */
export async function main(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)) {
  const config = loadWarehouseConfig(env);
  const warehouse = await startWarehouse(config, { rebuild: argv.includes('--rebuild') });
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/health/live' || req.url === '/health/ready') return reply(200, { status: 'ok' });
    if (req.url === '/status')
      return void warehouse.progress().then(
        (lag) => reply(200, { consumer: config.WAREHOUSE_CONSUMER, ...lag, handled: warehouse.handled() }),
        (e: Error) => reply(503, { error: e.message }),
      );
    reply(404, { error: 'not found' });
  });
  await new Promise<void>((r) => server.listen(config.PORT, config.HOST, r));
  const address = server.address();
  console.warn(
    JSON.stringify({
      level: 'info',
      msg: 'warehouse running',
      port: typeof address === 'object' && address ? address.port : config.PORT,
      upgraded: warehouse.upgraded,
    }),
  );
  const stop = async () => {
    server.close();
    await warehouse.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  return { warehouse, server };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: Error) => {
    console.error(JSON.stringify({ level: 'fatal', msg: e.message, code: (e as { code?: string }).code }));
    process.exit(1);
  });
}

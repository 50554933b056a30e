import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where the test servers are and what they are; handed to every test file. */
export interface InfraInfo {
  natsUrl: string;
  mongoUrl: string;
  nats: string;
  mongo: string;
}

interface Started {
  url: string;
  how: string;
  stop: () => Promise<void>;
}

const HOW_TO = `
Passerelle's tests need a real NATS server (with JetStream) and a real MongoDB-wire server. Give them one of:
  - NATS_URL=nats://host:4222 and MONGO_URL=mongodb://host:27017 in the environment;
  - a running Docker engine (testcontainers starts nats:2.10 and mongo:7);
  - local binaries on PATH: nats-server (Debian: apt-get install nats-server) and ferretdb
    (go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2, then add $(go env GOPATH)/bin to PATH).
bash .ci/run installs the local binaries on a fresh machine.`;

export class MissingInfrastructureError extends Error {
  constructor(what: string) {
    super(`no ${what} found for the tests.${HOW_TO}`);
  }
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, name: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ port, host: '127.0.0.1' }, () => {
        s.end();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not listen on ${port} within ${timeoutMs} ms`);
}

/** Finds an executable on PATH or in the extra folders given. */
export function findBinary(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs];
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p));
}

function goBinDirs(): string[] {
  const dirs = [join(homedir(), 'go', 'bin')];
  if (process.env.GOPATH) dirs.unshift(join(process.env.GOPATH, 'bin'));
  try {
    dirs.unshift(join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(), 'bin'));
  } catch {
    /* no Go: only PATH and ~/go/bin */
  }
  return dirs;
}

async function spawnServer(
  name: string,
  bin: string,
  args: (port: number, dir: string) => string[],
  scheme: string,
): Promise<Started> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `passerelle-${name}-`));
  const child = spawn(bin, args(port, dir), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  try {
    await waitForPort(port, child, name);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n${stderr}`, { cause: e });
  }
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    how: `local ${name} (${bin}) on port ${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function dockerAvailable(): Promise<boolean> {
  if (process.env.PASSERELLE_TEST_NO_DOCKER === '1') return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 10_000)),
    ]);
    return true;
  } catch {
    return false;
  }
}

const DEBIAN_NATS = '/usr/sbin/nats-server';

async function startNats(docker: boolean): Promise<Started> {
  if (docker) {
    const { NatsContainer } = await import('@testcontainers/nats');
    const c = await new NatsContainer('nats:2.10-alpine').withJetStream().start();
    return {
      url: `nats://${c.getHost()}:${c.getMappedPort(4222)}`,
      how: 'testcontainers nats:2.10-alpine',
      stop: async () => {
        await c.stop();
      },
    };
  }
  // PASSERELLE_NATS_SERVER picks a build (CI runs the bus tests on Debian's 2.9 and on the version compose runs).
  // Without it Debian's build comes first, whatever PATH says (a developer's GOPATH may hold another).
  const bin =
    process.env.PASSERELLE_NATS_SERVER ??
    (existsSync(DEBIAN_NATS) ? DEBIAN_NATS : findBinary('nats-server', ['/usr/local/bin']));
  if (!bin || !existsSync(bin)) throw new MissingInfrastructureError('NATS server');
  return spawnServer(
    'nats-server',
    bin,
    (port, dir) => ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir],
    'nats',
  );
}

async function startMongo(docker: boolean): Promise<Started> {
  if (docker) {
    const { MongoDBContainer } = await import('@testcontainers/mongodb');
    const c = await new MongoDBContainer('mongo:7').start();
    return {
      url: `${c.getConnectionString()}?directConnection=true`,
      how: 'testcontainers mongo:7',
      stop: async () => {
        await c.stop();
      },
    };
  }
  const bin = findBinary('ferretdb', goBinDirs());
  if (!bin) throw new MissingInfrastructureError('MongoDB-wire server');
  return spawnServer(
    'ferretdb',
    bin,
    (port, dir) => [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--listen-addr=127.0.0.1:${port}`,
      `--state-dir=${dir}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=error',
    ],
    'mongodb',
  );
}

/** Resolves test servers as DESIGN.md says: environment URLs, else Docker, else local binaries; never a silent skip. */
export async function resolveInfrastructure(): Promise<{
  natsUrl: string;
  mongoUrl: string;
  how: { nats: string; mongo: string };
  stop: () => Promise<void>;
}> {
  const needDocker = !process.env.NATS_URL || !process.env.MONGO_URL;
  const docker = needDocker && (await dockerAvailable());
  const nats: Started = process.env.NATS_URL
    ? { url: process.env.NATS_URL, how: 'NATS_URL from the environment', stop: async () => {} }
    : await startNats(docker);
  let mongo: Started;
  try {
    mongo = process.env.MONGO_URL
      ? { url: process.env.MONGO_URL, how: 'MONGO_URL from the environment', stop: async () => {} }
      : await startMongo(docker);
  } catch (e) {
    await nats.stop();
    throw e;
  }
  return {
    natsUrl: nats.url,
    mongoUrl: mongo.url,
    how: { nats: nats.how, mongo: mongo.how },
    stop: async () => {
      await Promise.all([nats.stop(), mongo.stop()]);
    },
  };
}

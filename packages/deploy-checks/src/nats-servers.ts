import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findBinary, freePort } from '@passerelle/testkit';

export const root = join(import.meta.dirname, '..', '..', '..');
/** Where infra/dev/setup.sh builds nats-server 2.15.2 and the nats CLI (off PATH). */
export const TOOLS = join(root, '.tools', 'bin');

/**
 * The nats-server binaries to test against: Debian's (2.9) and the one compose runs, built from the Go module
 * proxy by infra/dev/setup.sh into .tools/bin. Both must be there: a missing one fails the test, never skips it.
 */
export function natsServers(): Array<{ bin: string; version: string }> {
  const bins = [
    existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : (findBinary('nats-server') ?? 'nats-server'),
    join(TOOLS, 'nats-server'),
  ];
  return [...new Set(bins)].map((bin) => {
    const out = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    if (out.status !== 0)
      throw new Error(`${bin} is missing: run bash infra/dev/setup.sh (installs nats-server ${COMPOSE_NATS} with Go)`);
    return { bin, version: /v?(\d+\.\d+\.\d+)/.exec(out.stdout)![1]! };
  });
}

/** The NATS version compose pins (docker-compose.yml's image tag), which CI installs from the Go module proxy. */
export const COMPOSE_NATS = '2.15.2';

/** Test passwords for every user of the committed nats.conf. */
export const NATS_PASSWORDS = Object.fromEntries(
  ['ADMIN', 'TRAININGS', 'ASSISTANCE', 'PARTNERS', 'INDICATORS', 'PROJECTION', 'INTEGRATION'].map((u) => [
    `NATS_${u}_PASSWORD`,
    `pw-${u.toLowerCase()}-for-tests`,
  ]),
);

/** Starts nats-server from a committed config file; only the ports (flags) and the storage folder (rewritten) differ. */
export async function startFromConfig(
  bin: string,
  config: string,
  extra: string[] = [],
): Promise<{ url: string; port: number; child: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const monitor = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-natsconf-'));
  // Newer servers refuse -sd beside a store_dir in the file; the copy differs from the committed file in that line only.
  const copy = join(dir, 'nats.conf');
  writeFileSync(copy, readFileSync(config, 'utf8').replace(/store_dir: \S+/, `store_dir: "${join(dir, 'js')}"`));
  // Files the config includes (integration.conf) are read beside it.
  writeFileSync(join(dir, 'integration.conf'), readFileSync(join(dirname(config), 'integration.conf'), 'utf8'));
  const child = spawn(bin, ['-c', copy, '-a', '127.0.0.1', '-p', String(port), '-m', String(monitor), ...extra], {
    env: { ...process.env, ...NATS_PASSWORDS },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${monitor}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`nats-server did not start from ${config}:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    child,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

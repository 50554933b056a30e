import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@passerelle/testkit';
import { NATS_PASSWORDS, root } from './nats-servers.js';

export interface ClusterNode {
  name: string;
  url: string;
  monitor: number;
  child: ChildProcess;
  kill: () => void;
}

/**
 * Starts three nodes from the committed infra/nats/cluster.conf (which includes nats.conf): the copies differ only
 * in addresses (127.0.0.1 and free ports instead of nats-1…3:6222) and storage folders.
 */
export async function startCluster(
  bin: string,
): Promise<{ nodes: ClusterNode[]; urls: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-cluster-'));
  const ports = await Promise.all(
    [1, 2, 3].map(async () => ({ client: await freePort(), route: await freePort(), monitor: await freePort() })),
  );
  const nodes: ClusterNode[] = [];
  for (const [i, p] of ports.entries()) {
    const name = `nats-${i + 1}`;
    const nodeDir = join(dir, name);
    mkdirSync(nodeDir);
    writeFileSync(
      join(nodeDir, 'nats.conf'),
      readFileSync(join(root, 'infra/nats/nats.conf'), 'utf8').replace(
        /store_dir: \S+/,
        `store_dir: "${join(nodeDir, 'js')}"`,
      ),
    );
    writeFileSync(join(nodeDir, 'integration.conf'), readFileSync(join(root, 'infra/nats/integration.conf'), 'utf8'));
    writeFileSync(
      join(nodeDir, 'cluster.conf'),
      readFileSync(join(root, 'infra/nats/cluster.conf'), 'utf8')
        .replace('listen: 0.0.0.0:6222', `listen: 127.0.0.1:${p.route}`)
        .replace(
          /nats-route:\/\/nats-(\d):6222/g,
          (_m, n: string) => `nats-route://127.0.0.1:${ports[Number(n) - 1]!.route}`,
        ),
    );
    const child = spawn(
      bin,
      ['-c', join(nodeDir, 'cluster.conf'), '-a', '127.0.0.1', '-p', String(p.client), '-m', String(p.monitor)],
      {
        env: { ...process.env, ...NATS_PASSWORDS, NATS_SERVER_NAME: name },
        stdio: 'ignore',
      },
    );
    nodes.push({
      name,
      url: `nats://127.0.0.1:${p.client}`,
      monitor: p.monitor,
      child,
      kill: () => child.kill('SIGKILL'),
    });
  }
  const deadline = Date.now() + 30_000;
  for (const n of nodes) {
    while (
      !(await fetch(`http://127.0.0.1:${n.monitor}/healthz`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline || n.child.exitCode !== null) throw new Error(`cluster node ${n.name} did not start`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    nodes,
    urls: nodes.map((n) => n.url).join(','),
    stop: async () => {
      await Promise.all(
        nodes.map(async (n) => {
          if (n.child.exitCode !== null || n.child.signalCode !== null) return;
          const exited = new Promise((r) => n.child.once('exit', r));
          n.child.kill('SIGTERM');
          await exited;
        }),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@passerelle/testkit';

/** Where the bench keeps child logs and CPU profiles (git-ignored). */
export const OUTPUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-output');

/** Entry files of the services, as built by their workspaces. */
export const entries = {
  projection: fileURLToPath(import.meta.resolve('@passerelle/projection/main')),
  rebuild: join(dirname(fileURLToPath(import.meta.resolve('@passerelle/projection/main'))), 'cli', 'rebuild.js'),
  trainings: fileURLToPath(import.meta.resolve('@passerelle/trainings/main')),
};

export interface Child {
  proc: ChildProcess;
  pid: number;
  log: string;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<Child>();

/** Stops every child process still running (on Ctrl-C or a failure). */
export async function stopChildren(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop(5000)));
}

/** Starts a Node process of a service (or CLI) with its own environment, logging to test-output/logs. */
export function startChild(name: string, entry: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Child {
  mkdirSync(join(OUTPUT_DIR, 'logs'), { recursive: true });
  const log = join(OUTPUT_DIR, 'logs', `${name}-${Date.now()}.log`);
  const fd = openSync(log, 'a');
  const proc = spawn(process.execPath, [...nodeArgs, entry], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', fd, fd],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const child: Child = {
    proc,
    pid: proc.pid!,
    log,
    exited,
    async stop(graceMs = 15_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const done = await Promise.race([
        exited.then(() => true),
        new Promise((r) => setTimeout(() => r(false), graceMs)),
      ]);
      if (!done) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
  };
  running.add(child);
  void exited.then(() => running.delete(child));
  return child;
}

/** Starts an HTTP service on a free port and waits until /health/ready answers 200. */
export async function startService(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
): Promise<Child & { url: string }> {
  const port = await freePort();
  const child = startChild(name, entry, { ...env, PORT: String(port) }, nodeArgs);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null)
      throw new Error(
        `${name} exited with code ${child.proc.exitCode}; see ${child.log}:\n${readFileSync(child.log, 'utf8').slice(-2000)}`,
      );
    const ok = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { ...child, url };
    await new Promise((r) => setTimeout(r, 100));
  }
  await child.stop();
  throw new Error(`${name} was not ready within 60 s; see ${child.log}`);
}

/** Resident memory of a process, from /proc (Linux): current (VmRSS) and peak (VmHWM), in MiB. */
export function memoryOf(pid: number): { rssMiB: number; peakMiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { rssMiB: Math.round(kb('VmRSS') / 1024), peakMiB: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

/** Samples a process's memory every `everyMs` until stopped; `mark` tags a sample (e.g. with progress). */
export function memorySampler(pid: number, everyMs = 250) {
  const samples: Array<{ at: number; rssMiB: number; peakMiB: number }> = [];
  const timer = setInterval(() => {
    const m = memoryOf(pid);
    if (m) samples.push({ at: Date.now(), ...m });
  }, everyMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      const m = memoryOf(pid);
      if (m) samples.push({ at: Date.now(), ...m });
      return samples;
    },
  };
}

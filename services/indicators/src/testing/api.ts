// Helpers shared by this service's integration tests (excluded from the build); replies are loosely typed like in test files.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { registry, type Envelope } from '@passerelle/contracts';

export interface Reply { status: number; type: string; body: any; text: string }

/** A small HTTP client for one service; the token is given per call. */
export function client(base: () => string, defaultToken: () => string) {
  return async function call(method: string, path: string, body?: unknown, token = defaultToken(), headers: Record<string, string> = {}): Promise<Reply> {
    const raw = typeof body === 'string' || Buffer.isBuffer(body);
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : raw ? body as string : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: json, text };
  };
}

/** Every event in a stream, parsed and validated by the contracts registry (so a bad event fails the test). */
export async function streamEvents(natsUrl: string, stream: string): Promise<Array<{ subject: string; event: Envelope<any> }>> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    const { first_seq: first, last_seq: last, messages } = (await jsm.streams.info(stream)).state;
    const out: Array<{ subject: string; event: Envelope<any> }> = [];
    for (let seq = first; messages > 0 && seq <= last; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq });
      if (m) out.push({ subject: m.subject, event: registry.parse(m.data, m.subject) });
    }
    return out;
  } finally {
    await nc.close();
  }
}

/** How many messages a stream holds. */
export async function streamCount(natsUrl: string, stream: string): Promise<number> {
  const nc = await connect({ servers: natsUrl });
  try {
    return (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
  } finally {
    await nc.close();
  }
}

import { expect } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { registry, type Envelope } from '@passerelle/contracts';

/** Test code reads replies and event data loosely, field by field, as test files may. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

/** A service's answer: status, media type, headers, the body as text and parsed (undefined unless JSON). */
export interface Reply {
  status: number;
  type: string;
  headers: Headers;
  text: string;
  /** The body as text (the same as `text`). */
  raw: string;
  body: Loose;
}

/** Per call: another token ('' for none), extra headers, or the content type of a raw (string or Buffer) body. */
export interface CallOptions {
  token?: string;
  headers?: Record<string, string>;
  contentType?: string;
}

export type Call = (method: string, path: string, body?: unknown, opts?: CallOptions | string) => Promise<Reply>;

/**
 * An HTTP client for one service under test: objects go as JSON, strings and Buffers as they are (JSON unless a
 * content type is given); `opts` may be the token alone. `onReply` sees every answer (e.g. to check logs later).
 */
export function httpClient(base: () => string, defaultToken: () => string, onReply?: (r: Reply) => void): Call {
  return async (method, path, body, opts = {}) => {
    const o: CallOptions = typeof opts === 'string' ? { token: opts } : opts;
    const token = o.token ?? defaultToken();
    const raw = typeof body === 'string' || Buffer.isBuffer(body);
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': o.contentType ?? 'application/json' } : {}),
        ...o.headers,
      },
      body: body === undefined ? undefined : raw ? (body as string | Buffer) : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    const reply: Reply = {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      headers: res.headers,
      text,
      raw: text,
      body: parsed,
    };
    onReply?.(reply);
    return reply;
  };
}

/** One message of a test file's stream: the event (validated by the contracts registry), its subject and its bytes. */
export interface StreamMessage {
  subject: string;
  raw: string;
  event: Envelope<Loose>;
}

/** Reads a test file's own event stream; every event is validated against the contracts registry, so a bad one fails the test. */
export async function openStream(natsUrl: string, stream: string) {
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  return {
    /** Messages in the stream. */
    count: async () => (await jsm.streams.info(stream)).state.messages,
    /** Every message, oldest first. */
    async messages(): Promise<StreamMessage[]> {
      const { first_seq: first, last_seq: last, messages } = (await jsm.streams.info(stream)).state;
      const out: StreamMessage[] = [];
      for (let seq = first; messages > 0 && seq <= last; seq++) {
        const m = await jsm.streams.getMessage(stream, { seq });
        if (m)
          out.push({
            subject: m.subject,
            raw: m.string(),
            event: registry.parse(m.data, m.subject) as Envelope<Loose>,
          });
      }
      return out;
    },
    close: () => nc.close(),
  };
}

/** What a refusal must leave as it was: a snapshot taken before and after (documents, the stream, a view…). */
export type Snapshot = () => Promise<unknown>;

/**
 * Runs a request that must be refused, and proves that nothing changed: the answer is a problem document with
 * the status (and code) expected, and every snapshot is the same after as before. Returns the problem.
 */
export async function expectRefused(
  request: () => Promise<Reply>,
  expected: { status: number; code?: string },
  ...unchanged: Snapshot[]
): Promise<Loose> {
  const before = await Promise.all(unchanged.map((s) => s()));
  const r = await request();
  expect(r.status, r.text).toBe(expected.status);
  expect(r.type).toContain('application/problem+json');
  if (expected.code) expect(r.body.code).toBe(expected.code);
  expect(await Promise.all(unchanged.map((s) => s()))).toEqual(before);
  return r.body;
}

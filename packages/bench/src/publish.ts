import type { JetStreamClient } from '@nats-io/jetstream';
import { generateEvents, type GeneratorOptions } from '@passerelle/testkit/history';

/**
 * Publishes a generated history into the stream with many publishes in flight (each still waits for its
 * PubAck), and returns how many messages the stream stored and how fast.
 */
export async function publishHistory(
  js: JetStreamClient,
  opts: GeneratorOptions,
  progress?: (n: number) => void,
): Promise<{ published: number; seconds: number }> {
  const started = performance.now();
  const window = 2000;
  let inFlight: Array<Promise<unknown>> = [];
  let published = 0;
  for (const g of generateEvents(opts)) {
    inFlight.push(js.publish(g.subject, JSON.stringify(g.event), { msgID: g.msgId, timeout: 60_000 }));
    if (inFlight.length >= window) {
      await Promise.all(inFlight);
      published += inFlight.length;
      inFlight = [];
      if (published % 50_000 === 0) progress?.(published);
    }
  }
  await Promise.all(inFlight);
  published += inFlight.length;
  return { published, seconds: (performance.now() - started) / 1000 };
}

// Helpers shared by this service's integration tests (excluded from the build); the HTTP client is the testkit's.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { registry, type Envelope } from '@passerelle/contracts';

/** Every event in a stream, parsed and validated by the contracts registry (so a bad event fails the test). */
export async function streamEvents(
  natsUrl: string,
  stream: string,
): Promise<Array<{ subject: string; event: Envelope<any> }>> {
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

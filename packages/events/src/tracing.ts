import { ROOT_CONTEXT, propagation, type Context, type TextMapGetter } from '@opentelemetry/api';
import type { MsgHdrs } from '@nats-io/transport-node';

// nats.js header look-ups are case-sensitive and return "" for a missing key; the default getter would misread them.
const natsGetter: TextMapGetter<MsgHdrs> = {
  keys: (h) => [...h.keys()],
  get: (h, key) => {
    for (const k of h.keys()) if (k.toLowerCase() === key.toLowerCase()) return h.get(k) || undefined;
    return undefined;
  },
};

/** The OpenTelemetry context (W3C traceparent/tracestate) an event was published with; the root context when it has none. */
export function traceContextOf(headers: MsgHdrs | undefined, parent: Context = ROOT_CONTEXT): Context {
  return headers ? propagation.extract(parent, headers, natsGetter) : parent;
}

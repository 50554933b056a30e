import {
  context,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Context,
  type TextMapGetter,
  type TextMapSetter,
  type Span,
} from '@opentelemetry/api';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';

export const tracer = trace.getTracer('passerelle');

/** W3C trace context as stored beside an outbox event, injected again when the relay publishes. */
export type TraceCarrier = Record<string, string>;

// nats.js header look-ups are case-sensitive and return "" for missing keys; the default getter would misread them.
const natsGetter: TextMapGetter<MsgHdrs> = {
  keys: (h) => [...h.keys()],
  get: (h, key) => {
    for (const k of h.keys()) if (k.toLowerCase() === key.toLowerCase()) return h.get(k) || undefined;
    return undefined;
  },
};
const natsSetter: TextMapSetter<MsgHdrs> = { set: (h, key, value) => h.set(key, value) };

/** The active trace context as a plain object, to store with events written now. */
export function captureTraceContext(ctx: Context = context.active()): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** NATS headers carrying a stored trace context (or the active one). */
export function headersWithTrace(carrier?: TraceCarrier): MsgHdrs {
  const h = natsHeaders();
  if (carrier) for (const [k, v] of Object.entries(carrier)) h.set(k, v);
  else propagation.inject(context.active(), h, natsSetter);
  return h;
}

/** The trace context a NATS message arrived with. */
export function contextFromHeaders(h: MsgHdrs | undefined): Context {
  return h ? propagation.extract(context.active(), h, natsGetter) : context.active();
}

/** Runs fn inside a span that records exceptions and always ends. */
export async function inSpan<T>(
  name: string,
  opts: { kind?: SpanKind; parent?: Context; attributes?: Record<string, string | number> },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(
    name,
    { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes ?? {} },
    opts.parent ?? context.active(),
    async (span) => {
      try {
        return await fn(span);
      } catch (e) {
        span.recordException(e as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
        throw e;
      } finally {
        span.end();
      }
    },
  );
}

/** Starts the OpenTelemetry SDK with OTLP/HTTP export, only when an endpoint is configured. Returns its shutdown. */
export async function startTelemetry(service: string, endpoint: string | undefined): Promise<() => Promise<void>> {
  if (!endpoint) return async () => {};
  // Metrics and logs exporters default to OTLP too and hang shutdown when nothing listens; traces are what we export.
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  const [{ NodeSDK }, { OTLPTraceExporter }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
  ]);
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? service,
    traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }),
  });
  sdk.start();
  return () => sdk.shutdown();
}

export { SpanKind };

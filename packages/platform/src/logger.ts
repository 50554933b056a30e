import { trace } from '@opentelemetry/api';
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Fields that identify a person or grant access: never written to a log. */
export const REDACTED_KEYS = [
  'password',
  'secret',
  'token',
  'authorization',
  'cookie',
  'apiKey',
  'name',
  'fullName',
  'firstName',
  'lastName',
  'phone',
  'phoneNumber',
  'email',
  'workEmail',
  'caseReference',
  'caseReferences',
  'caseRef',
  'documentNumber',
  'passport',
  'beneficiaries',
  'contacts',
  'contact',
];

const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

/** JSON logger with secrets and personal fields redacted and the active trace ids mixed in. */
export function createLogger(opts: { service: string; level?: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      redact: { paths: redactPaths, censor: '[redacted]' },
      base: { service: opts.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin() {
        // Under ESM the pino instrumentation rarely hooks in; reading the active span here always works.
        const ctx = trace.getActiveSpan()?.spanContext();
        return ctx ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
      },
    },
    opts.destination,
  );
}

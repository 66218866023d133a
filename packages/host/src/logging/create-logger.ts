import { causationInScope } from '@orderly/kernel';
import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat, LogLevel } from '../config.js';

export interface LoggerSettings {
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  /** The `service` field of every line; default orderly (apps/api). */
  readonly service?: string;
}

/**
 * The one pino logger of the process: HTTP request lines, the Nest logger (NestPinoLogger)
 * and the relays all write through it. JSON lines for machines, or pino-pretty for people.
 * Every line written while a request or an event delivery is in progress carries its
 * correlation id, so one flow can be followed from the request into every module.
 */
export function createLogger(settings: LoggerSettings, destination?: DestinationStream): Logger {
  const stream =
    destination ??
    (settings.logFormat === 'pretty'
      ? pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true })
      : // Asynchronous: a request does not wait for its log line to reach stdout. pino flushes
        // what is buffered when the process exits (process.exit, a signal handler's exit, a crash).
        pino.destination({ dest: 1, sync: false }));
  return pino(
    {
      level: settings.logLevel,
      base: { service: settings.service ?? 'orderly' },
      // Defence in depth: request lines carry no headers today, but a credential must never be written.
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', '*.authorization', 'authorization'],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const causation = causationInScope();
        if (!causation) return {};
        return causation.causationId
          ? { correlationId: causation.correlationId, causationId: causation.causationId }
          : { correlationId: causation.correlationId };
      },
    },
    stream,
  );
}

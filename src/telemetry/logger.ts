/**
 * The gateway's own logs: pino, JSON lines on stdout (or any destination a test passes).
 *
 * Logs never carry payload values (design principle 7): callers log counts, ids, rule names,
 * exporter ids and status codes. Nothing here inspects or serialises spans, and the logger's
 * serializers refuse to print request bodies or headers even if someone logs a raw object by mistake.
 */
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  level?: LogLevel;
  /** Where JSON lines go; stdout when absent. Tests pass a collecting stream. */
  destination?: DestinationStream;
}

/**
 * Keys that could hold payloads if someone logged an object carelessly: they are replaced by a
 * fixed marker. A guard, not the mechanism: the mechanism is never passing values to the logger.
 */
const REDACTED_KEYS = ['body', 'headers', 'authorization', 'attributes', 'data', 'value', 'token'];

export function createLogger(options: LoggerOptions = {}): Logger {
  const level: LevelWithSilent = options.level ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`log level must be one of ${LOG_LEVELS.join(', ')}; got '${String(level)}'`);
  }
  const opts = {
    level,
    base: { service: 'loopgate' },
    redact: { paths: REDACTED_KEYS.flatMap((k) => [k, `*.${k}`]), censor: '[not logged]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

/** A logger that writes nothing, for tests and library callers that do not want gateway logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

// Structured JSON logs (pino). Secrets are redacted by key wherever they appear in a log object,
// and request logs never carry headers or bodies.
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'apiToken',
  '*.apiToken',
  'token',
  '*.token',
  'webhookSecret',
  '*.webhookSecret',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
  'ALERTSYNC_ADMIN_TOKEN',
  'ALERTSYNC_SECRET_KEY',
];

export function createLogger(opts: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: opts.level,
      base: { service: 'alertsync' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination,
  );
}

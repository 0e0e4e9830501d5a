import type { LoggerService, LogLevel } from '@nestjs/common';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * One JSON object per line on stdout. Callers pass ids and outcomes, never PHI: message bodies,
 * names, birth dates and addresses stay out of logs (DESIGN.md, Data).
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly level: Level = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  log(message: unknown, ...params: unknown[]): void {
    this.emit('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.emit('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.emit('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.emit('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.emit('debug', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.emit('error', message, params);
  }

  setLogLevels(_levels: LogLevel[]): void {
    // The level comes from LOG_LEVEL once, at start-up.
  }

  private emit(level: Level, message: unknown, params: unknown[]): void {
    if (RANK[level] < RANK[this.level]) return;
    // Nest passes the context as the last string parameter; a stack trace (multi-line) is not one.
    const last = params.at(-1);
    const context = typeof last === 'string' && !last.includes('\n') ? last : undefined;
    const fields =
      typeof message === 'object' && message !== null && !(message instanceof Error)
        ? message
        : { msg: message };
    // The logger's own fields come last, so a caller's fields cannot overwrite them.
    const entry: Record<string, unknown> = {
      ...(fields as Record<string, unknown>),
      time: new Date().toISOString(),
      level,
      service: this.service,
      ...(context ? { context } : {}),
    };
    if (message instanceof Error) entry.msg = `${message.name}: ${message.message}`;
    this.write(JSON.stringify(entry));
  }
}

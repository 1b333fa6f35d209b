import { once } from 'events';
import type { Writable } from 'stream';
import { Redactor } from '../secrets/redactor';
import { AirbyteMessage, log, LogLevel, recordLines } from './messages';

/**
 * The only way anything reaches stdout: one JSON message per line.
 * Every message except RECORD passes through the redactor first. Writes go out
 * in call order; `drain()` lets the read loop respect the consumer's pace, so
 * memory stays flat however slow the platform reads.
 */
export class Output {
  private debugEnabled = false;

  /** `redactor` knows the secrets there are before any config is read (the proxy's password). */
  constructor(
    private readonly sink: Writable = process.stdout,
    private redactor: Redactor = new Redactor(),
  ) {}

  /** More secrets to keep out of every message from now on, besides those already known. */
  addSecrets(secrets: readonly string[]): void {
    this.redactor = this.redactor.with(secrets);
  }

  enableDebug(on: boolean): void {
    this.debugEnabled = on;
  }

  get debug(): boolean {
    return this.debugEnabled;
  }

  redact(text: string): string {
    return this.redactor.redact(text);
  }

  emit(message: AirbyteMessage): void {
    this.sink.write(this.serialize(message));
  }

  /** Messages that can carry text about the run are redacted; SPEC, CATALOG and STATE are built from constants and cursors. */
  private serialize(message: AirbyteMessage): string {
    const redacted = message.type === 'LOG' || message.type === 'TRACE' || message.type === 'CONNECTION_STATUS';
    return JSON.stringify(redacted ? this.redactor.redactDeep(message) : message) + '\n';
  }

  log(level: LogLevel, message: string): void {
    if (level === 'DEBUG' && !this.debugEnabled) return;
    this.emit(log(level, message));
  }

  /** A page of records and whatever follows it (its STATE) in one write. */
  records(stream: string, records: readonly unknown[], after: AirbyteMessage[] = []): void {
    let chunk = records.length ? recordLines(stream, records, Date.now()) : '';
    for (const m of after) chunk += this.serialize(m);
    if (chunk) this.sink.write(chunk);
  }

  /** Resolves once the sink can take more (immediately if it already can). */
  async drain(): Promise<void> {
    if ((this.sink as Writable & { writableNeedDrain?: boolean }).writableNeedDrain) await once(this.sink, 'drain');
  }
}

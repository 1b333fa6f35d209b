import { estimate, streamState, streamStatus } from '../protocol/messages';
import type { Output } from '../protocol/output';
import type { ResumePoint } from '../state/stream-state';

/**
 * What one stream says on stdout, in protocol order: STARTED, RUNNING (with
 * the ESTIMATE of the first total the API gave), each page's RECORDs with the
 * STATE that checkpoints them, and a final STATE. A STATE is not repeated when
 * nothing changed since the last one; `sourceStats.recordCount` is the records
 * emitted since the previous STATE.
 */
export class StreamOutput {
  records = 0;
  /** The blob of the last STATE emitted, as JSON. */
  lastState: string | undefined;
  private sinceState = 0;
  private running = false;

  constructor(
    private readonly output: Output,
    readonly stream: string,
    private readonly blobOf: (point: ResumePoint | 'complete') => Record<string, unknown>,
  ) {}

  started(): void {
    this.output.emit(streamStatus(this.stream, 'STARTED'));
  }

  /** The API answered for this stream: RUNNING once, and its first `total` as the estimate. */
  answered(total: number | undefined): void {
    if (this.running) return;
    this.running = true;
    this.output.emit(streamStatus(this.stream, 'RUNNING'));
    if (total !== undefined) this.output.emit(estimate(this.stream, total));
  }

  /** A page of records and the checkpoint after them, in one write; resolves when stdout can take more. */
  async page(records: readonly unknown[], at: ResumePoint): Promise<void> {
    this.records += records.length;
    this.sinceState += records.length;
    this.output.records(this.stream, records, this.stateAfter(at, false));
    await this.output.drain();
  }

  /** A checkpoint without records (the end of a pass), unless it would repeat the last one. */
  checkpoint(at: ResumePoint): void {
    this.output.records(this.stream, [], this.stateAfter(at, false));
  }

  /** The stream's last STATE: always one, even when nothing was read. */
  async finish(at: ResumePoint | 'complete'): Promise<void> {
    this.output.records(this.stream, [], this.stateAfter(at, this.lastState === undefined || at === 'complete'));
    this.answered(undefined);
    this.output.emit(streamStatus(this.stream, 'COMPLETE'));
    await this.output.drain();
  }

  private stateAfter(at: ResumePoint | 'complete', force: boolean) {
    const blob = this.blobOf(at);
    const text = JSON.stringify(blob);
    if (!force && this.sinceState === 0 && text === this.lastState) return [];
    this.lastState = text;
    const msg = streamState(this.stream, blob, this.sinceState);
    this.sinceState = 0;
    return [msg];
  }
}

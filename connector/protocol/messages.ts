/**
 * Airbyte protocol messages this source emits, typed after
 * airbyte-protocol's airbyte_protocol.yaml (AirbyteMessage and its payloads).
 * Builders return plain objects; `output.ts` turns them into stdout lines.
 */
import { stringifyJson } from '../json/exact-json';

export type FailureType = 'system_error' | 'config_error' | 'transient_error';
export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';
export type SyncMode = 'full_refresh' | 'incremental';

export interface StreamDescriptor {
  name: string;
  namespace?: string;
}

export interface AirbyteStream {
  name: string;
  json_schema: Record<string, unknown>;
  supported_sync_modes: SyncMode[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
  is_resumable?: boolean;
}

export interface ConnectorSpecification {
  documentationUrl?: string;
  changelogUrl?: string;
  supportsIncremental?: boolean;
  connectionSpecification: Record<string, unknown>;
}

export interface StreamStateMessage {
  type: 'STREAM';
  stream: { stream_descriptor: StreamDescriptor; stream_state: Record<string, unknown> };
  sourceStats: { recordCount: number };
}

export interface ErrorTrace {
  message: string;
  internal_message?: string;
  stack_trace?: string;
  failure_type: FailureType;
  stream_descriptor?: StreamDescriptor;
}

export type TraceMessage =
  | { type: 'ERROR'; emitted_at: number; error: ErrorTrace }
  | {
      type: 'ESTIMATE';
      emitted_at: number;
      estimate: { name: string; type: 'STREAM'; row_estimate: number };
    }
  | {
      type: 'STREAM_STATUS';
      emitted_at: number;
      stream_status: {
        stream_descriptor: StreamDescriptor;
        status: StreamStatus;
        reasons?: { type: 'RATE_LIMITED'; rate_limited?: { quota_reset?: number } }[];
      };
    };

export type AirbyteMessage =
  | { type: 'SPEC'; spec: ConnectorSpecification }
  | { type: 'CONNECTION_STATUS'; connectionStatus: { status: 'SUCCEEDED' | 'FAILED'; message?: string } }
  | { type: 'CATALOG'; catalog: { streams: AirbyteStream[] } }
  | { type: 'STATE'; state: StreamStateMessage }
  | { type: 'LOG'; log: { level: LogLevel; message: string; stack_trace?: string } }
  | { type: 'TRACE'; trace: TraceMessage };

export const spec = (s: ConnectorSpecification): AirbyteMessage => ({ type: 'SPEC', spec: s });

export const connectionStatus = (status: 'SUCCEEDED' | 'FAILED', message?: string): AirbyteMessage => ({
  type: 'CONNECTION_STATUS',
  connectionStatus: message === undefined ? { status } : { status, message },
});

export const catalog = (streams: AirbyteStream[]): AirbyteMessage => ({ type: 'CATALOG', catalog: { streams } });

export const log = (level: LogLevel, message: string): AirbyteMessage => ({ type: 'LOG', log: { level, message } });

export const streamState = (
  stream: string,
  state: Record<string, unknown>,
  recordCount: number,
): AirbyteMessage => ({
  type: 'STATE',
  state: {
    type: 'STREAM',
    stream: { stream_descriptor: { name: stream }, stream_state: state },
    sourceStats: { recordCount },
  },
});

export const streamStatus = (
  stream: string,
  status: StreamStatus,
  rateLimitedUntil?: number,
): AirbyteMessage => ({
  type: 'TRACE',
  trace: {
    type: 'STREAM_STATUS',
    emitted_at: Date.now(),
    stream_status: {
      stream_descriptor: { name: stream },
      status,
      ...(rateLimitedUntil === undefined
        ? {}
        : { reasons: [{ type: 'RATE_LIMITED' as const, rate_limited: { quota_reset: Math.ceil(rateLimitedUntil) } }] }),
    },
  },
});

export const estimate = (stream: string, rows: number): AirbyteMessage => ({
  type: 'TRACE',
  trace: { type: 'ESTIMATE', emitted_at: Date.now(), estimate: { name: stream, type: 'STREAM', row_estimate: rows } },
});

export const errorTrace = (error: ErrorTrace): AirbyteMessage => ({
  type: 'TRACE',
  trace: { type: 'ERROR', emitted_at: Date.now(), error },
});

/**
 * One RECORD line per record, built by concatenation: the record is serialised
 * once, unknown fields included, every number with the value the API sent
 * (json/exact-json.ts).
 */
export function recordLines(stream: string, records: readonly unknown[], emittedAt: number): string {
  const head = `{"type":"RECORD","record":{"stream":${JSON.stringify(stream)},"data":`;
  const tail = `,"emitted_at":${emittedAt}}}\n`;
  let out = '';
  for (const r of records) out += head + stringifyJson(r) + tail;
  return out;
}

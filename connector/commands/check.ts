import { probeStreams } from '../access/probe';
import { accessVerdict } from '../access/verdict';
import { ApiClient } from '../http/api-client';
import type { CloudGuard } from '../http/cloud-guard';
import { asConnectorError } from '../protocol/errors';
import { connectionStatus } from '../protocol/messages';
import type { Output } from '../protocol/output';
import { STREAMS } from '../streams/definitions';
import { loadConfig } from './load-config';

/**
 * check must answer within seconds: a short timeout and a small retry budget,
 * not the sync's, and a deadline after which every pending request is abandoned.
 */
const CHECK_TIMEOUT_MS = 10_000;
const CHECK_RETRY_MS = 5_000;
const CHECK_DEADLINE_MS = 20_000;

/**
 * Proves the URL, the network and the key, and tells what the key can read:
 * one single-record request per stream, all at once (connector/access/).
 * SUCCEEDED when at least one stream is readable, naming those the key may
 * not read. Always exactly one CONNECTION_STATUS and exit 0: FAILED carries
 * what to fix (in Cloud mode, `guard` refusing base_url before any request).
 */
export async function runCheck(configPath: string, output: Output, guard?: CloudGuard): Promise<number> {
  let client: ApiClient | undefined;
  try {
    const config = loadConfig(configPath, output);
    client = await ApiClient.open(config, { timeoutMs: CHECK_TIMEOUT_MS, maxRetryMs: CHECK_RETRY_MS, guard });
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error('deadline')), CHECK_DEADLINE_MS);
    const access = await probeStreams(client, STREAMS, config.baseUrl, deadline.signal).finally(() => clearTimeout(timer));
    const { status, message } = accessVerdict(access, config.baseUrl);
    output.emit(connectionStatus(status, message));
    return 0;
  } catch (err) {
    output.emit(connectionStatus('FAILED', asConnectorError(err).message));
    return 0;
  } finally {
    client?.close();
  }
}

import { ApiClient } from '../http/api-client';
import { asConnectorError, ConnectorError } from '../protocol/errors';
import { connectionStatus } from '../protocol/messages';
import type { Output } from '../protocol/output';
import { STREAMS } from '../streams/definitions';
import { loadConfig } from './load-config';

/** check must answer within seconds: a short timeout and a small retry budget, not the sync's. */
const CHECK_TIMEOUT_MS = 10_000;
const CHECK_RETRY_MS = 5_000;

/**
 * One cheap request (a single record) proves the URL, the network and the key.
 * A key that is valid but not entitled to one resource is tried on the next,
 * so check only fails when no stream could be read at all. Always exactly one
 * CONNECTION_STATUS and exit 0: FAILED carries what to fix.
 */
export async function runCheck(configPath: string, output: Output): Promise<number> {
  let client: ApiClient | undefined;
  try {
    const config = loadConfig(configPath, output);
    client = new ApiClient(config, { timeoutMs: CHECK_TIMEOUT_MS, maxRetryMs: CHECK_RETRY_MS });
    const forbidden: string[] = [];
    for (const def of STREAMS) {
      try {
        await client.getJson(def.name, def.path, { [def.paginator.limitParam]: 1 });
        const note = forbidden.length ? ` (not entitled to: ${forbidden.join(', ')})` : '';
        output.emit(connectionStatus('SUCCEEDED', `Connected to ${config.baseUrl}${note}.`));
        return 0;
      } catch (err) {
        if (err instanceof ConnectorError && err.failureType === 'config_error' && err.scope === 'stream') {
          forbidden.push(def.name);
          continue;
        }
        throw err;
      }
    }
    output.emit(connectionStatus('FAILED', `The API key is valid but not entitled to any stream (${forbidden.join(', ')}). Ask the account owner to grant access.`));
    return 0;
  } catch (err) {
    output.emit(connectionStatus('FAILED', asConnectorError(err).message));
    return 0;
  } finally {
    client?.close();
  }
}

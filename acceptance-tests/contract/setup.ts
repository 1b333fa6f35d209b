/** Configs and catalogs for runs against the contract server (acceptance-tests/contract-server/). */
import { CONTRACT_API_KEY, ContractServer, Resource } from '../contract-server';
import { configuredCatalog, Message } from '../helpers/run-connector';
import type { Runner } from '../helpers/reliability';

/** Fast retries, and pacing far above the server (which has no rate limit unless a test gives it one). */
export function contractConfig(server: ContractServer, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    api_key: CONTRACT_API_KEY,
    base_url: server.url,
    retry_initial_delay_seconds: 0.05,
    max_retry_seconds: 10,
    request_timeout_seconds: 5,
    requests_per_second: 1000,
    burst: 1000,
    ...extra,
  };
}

const discovered = new Map<string, Message[]>();

/** A configured catalog of `resource` in `mode`, from a real discover against `server` (cached per server URL). */
export async function contractCatalog(run: Runner, server: ContractServer, resource: Resource, mode: 'full_refresh' | 'incremental'): Promise<Message> {
  let streams = discovered.get(server.url);
  if (!streams) {
    const r = await run(['discover'], { config: contractConfig(server) });
    expect(r.code).toBe(0);
    streams = r.ofType('CATALOG')[0].catalog.streams as Message[];
    discovered.set(server.url, streams);
  }
  return configuredCatalog(streams, mode, [resource]);
}

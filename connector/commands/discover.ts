import { catalog } from '../protocol/messages';
import type { Output } from '../protocol/output';
import { discoverCatalog } from '../streams/catalog';
import { loadConfig } from './load-config';

/** The streams are fixed by the API contract, so discover validates the config and needs no request. */
export function runDiscover(configPath: string, output: Output): number {
  loadConfig(configPath, output);
  output.emit(catalog(discoverCatalog()));
  return 0;
}

import { Config, parseConfig, readJsonFile, secretsOf } from '../config/config';
import type { Output } from '../protocol/output';
import { Redactor } from '../secrets/redactor';

/** Reads and validates --config; the api_key is handed to the redactor before anything can be said about it. */
export function loadConfig(path: string, output: Output): Config {
  const raw = readJsonFile(path, 'config');
  output.useRedactor(new Redactor(secretsOf(raw)));
  return parseConfig(raw);
}

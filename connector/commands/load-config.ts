import { Config, parseConfig, readJsonFile, secretsInText, secretsOf } from '../config/config';
import type { Output } from '../protocol/output';

/** Reads and validates --config; the api_key is handed to the redactor before anything can be said about it. */
export function loadConfig(path: string, output: Output): Config {
  const raw = readJsonFile(path, 'config', (text) => output.addSecrets(secretsInText(text)));
  output.addSecrets(secretsOf(raw));
  return parseConfig(raw);
}

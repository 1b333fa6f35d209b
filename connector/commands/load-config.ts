import { Config, parseConfig, readJsonFile, secretsInText, secretsOf } from '../config/config';
import type { Output } from '../protocol/output';
import { Redactor } from '../secrets/redactor';

/** Reads and validates --config; the api_key is handed to the redactor before anything can be said about it. */
export function loadConfig(path: string, output: Output): Config {
  let fromText: string[] = [];
  const raw = readJsonFile(path, 'config', (text) => {
    fromText = secretsInText(text);
    output.useRedactor(new Redactor(fromText));
  });
  output.useRedactor(new Redactor([...fromText, ...secretsOf(raw)]));
  return parseConfig(raw);
}

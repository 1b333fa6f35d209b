import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'fs';
import { resolve } from 'path';
import { parse } from 'yaml';

/**
 * Airbyte's official message schema is NOT copied into this project: tests
 * read it from ../shared/airbyte-protocol/airbyte_protocol.yaml (beside the
 * checkout, as in CI), or from $AIRBYTE_PROTOCOL_YAML. Where it is absent,
 * `protocolSchemaPath` is undefined, the checks that need it are reported as
 * skipped (never as passed) and `describeMissing` says so.
 */
const candidates = [
  process.env.AIRBYTE_PROTOCOL_YAML,
  resolve(__dirname, '../../../shared/airbyte-protocol/airbyte_protocol.yaml'),
].filter((p): p is string => Boolean(p));

export const protocolSchemaPath: string | undefined = candidates.find((p) => existsSync(p));

export const describeMissing = `Airbyte protocol schema not found (looked for ${candidates.join(', ')}); protocol validation is SKIPPED, not passed.`;

type Validate = ((value: unknown) => boolean) & { errors?: unknown };
let validateMessage: Validate | undefined;

/** A validator for AirbyteMessage, or undefined when the schema is not available. */
export function messageValidator(): Validate | undefined {
  if (!protocolSchemaPath) return undefined;
  if (validateMessage) return validateMessage;
  const doc = parse(readFileSync(protocolSchemaPath, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // The YAML is one JSON schema whose definitions hold every message type.
  const { $schema: _ignored, ...schema } = doc;
  ajv.addSchema({ ...schema, $id: 'airbyte_protocol' }, 'airbyte_protocol');
  validateMessage = ajv.compile({ $ref: 'airbyte_protocol#/definitions/AirbyteMessage' }) as Validate;
  return validateMessage;
}

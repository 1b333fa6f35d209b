/**
 * Compiles the config schema (the spec's connectionSpecification) with Ajv.
 *
 * Run as a script (`node dist/connector/config/compile-validator.js`, part of
 * `npm run build` and of the image build), it writes Ajv's standalone code for
 * the schema to `compiled-validator.js` beside it, which validator.ts loads.
 */
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { connectionSpecification } from './spec';

export const COMPILED_FILE = 'compiled-validator.js';

/** allErrors: a config_error names every problem at once, not only the first. */
function compile(source: boolean): { ajv: Ajv; validate: ValidateFunction } {
  const ajv = new Ajv({ allErrors: true, strict: false, code: { source } });
  addFormats(ajv);
  return { ajv, validate: ajv.compile(connectionSpecification) };
}

export function compileValidator(): ValidateFunction {
  return compile(false).validate;
}

/** The standalone module's source: CommonJS, requiring only Ajv's and ajv-formats' runtime parts. */
export function standaloneSource(): string {
  const { ajv, validate } = compile(true);
  return `// Written by compile-validator.js at build time from the spec; do not edit.\n${standaloneCode(ajv, validate)}`;
}

if (require.main === module) {
  writeFileSync(join(__dirname, COMPILED_FILE), standaloneSource());
}

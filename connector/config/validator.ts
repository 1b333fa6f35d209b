/**
 * The validator of the config schema (the spec's connectionSpecification).
 *
 * Compiling it with Ajv costs about 130 ms (loading Ajv's compiler, then
 * generating the code), which every command would pay before its first
 * request. So the build compiles it once (compile-validator.ts) into
 * `compiled-validator.js` beside this file in dist/, which loads in a few
 * milliseconds. Where that file does not exist (the sources, under ts-jest)
 * the schema is compiled at first use, with the same options.
 */
import type { ValidateFunction } from 'ajv';

let loaded: ValidateFunction | undefined;

export function configValidator(): ValidateFunction {
  if (loaded) return loaded;
  try {
    loaded = require('./compiled-validator') as ValidateFunction;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    loaded = (require('./compile-validator') as typeof import('./compile-validator')).compileValidator();
  }
  return loaded;
}

/**
 * JSON.parse turns `1.0` into 1, so a schema check on parsed values cannot tell a
 * float-looking number from an integer. CAT validates records with a strict integer
 * check (1.0 is not an integer). This reads the raw text of a JSON document (with
 * raw-json.ts's scanner, which keeps every number as its lexeme) and returns the JSON
 * pointers of every number whose lexeme has a fraction or an exponent, so a validator
 * can reject those where the schema says integer.
 */
import { leaves } from './raw-json';

export function nonIntegerLexemePaths(text: string): Set<string> {
  return new Set(
    leaves(text)
      .filter((leaf) => leaf.kind === 'number' && /[.eE]/.test(leaf.lexeme))
      .map((leaf) => leaf.path),
  );
}

/**
 * Record checks of CAT's TestBasicRead, as a reusable validator: Draft 7 (ajv), strict
 * integers (1.0 is not an integer, judged from the raw line text), date-time and date
 * formats (ajv-formats), and optionally no undeclared top-level fields
 * (fail_on_extra_columns forces additionalProperties:false at the top, as later CAT does).
 */
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { nonIntegerLexemePaths } from './strict-json';

const STRICT_INTEGER = 'x_cat_strict_integer';

type Json = Record<string, unknown>;

/** A deep copy of `schema` with the strict-integer keyword beside every type that allows integer. */
function markIntegers(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(markIntegers);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    // `properties` maps names to schemas: keep the names, mark the schemas.
    out[k] = k === 'properties' && v && typeof v === 'object' ? Object.fromEntries(Object.entries(v as Json).map(([n, s]) => [n, markIntegers(s)])) : markIntegers(v);
  }
  const type = (node as Json).type;
  if (type === 'integer' || (Array.isArray(type) && type.includes('integer'))) out[STRICT_INTEGER] = true;
  return out;
}

export interface RecordProblem {
  stream: string;
  line: number;
  problem: string;
}

export class RecordValidator {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  /** JSON pointers (inside record.data) of the line being validated whose number lexeme is not an integer. */
  private current = new Set<string>();

  constructor(
    streams: Array<{ name: string; json_schema: Json }>,
    readonly options: { failOnExtraColumns: boolean },
  ) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv, { mode: 'full' });
    this.ajv.addKeyword({
      keyword: STRICT_INTEGER,
      schemaType: 'boolean',
      errors: false,
      validate: (_schema: boolean, data: unknown, _parent: unknown, cxt?: { instancePath: string }) =>
        typeof data !== 'number' || !this.current.has(cxt?.instancePath ?? ''),
    });
    for (const s of streams) {
      const { $schema: _drop, ...schema } = markIntegers(s.json_schema) as Json;
      if (options.failOnExtraColumns) schema.additionalProperties = false;
      this.validators.set(s.name, this.ajv.compile(schema));
    }
  }

  /**
   * Validates one RECORD message given as its raw stdout line. Returns the problems
   * (empty when the record is valid).
   */
  check(rawLine: string, lineNo: number): RecordProblem[] {
    const msg = JSON.parse(rawLine) as { record: { stream: string; data: Json } };
    const { stream, data } = msg.record;
    const validate = this.validators.get(stream);
    if (!validate) return [{ stream, line: lineNo, problem: 'record of a stream that is not in the catalog' }];
    this.current = new Set(
      [...nonIntegerLexemePaths(rawLine)].filter((p) => p.startsWith('/record/data/')).map((p) => p.slice('/record/data'.length)),
    );
    const problems: RecordProblem[] = [];
    if (!validate(data)) {
      for (const e of validate.errors ?? []) {
        const what = e.keyword === STRICT_INTEGER ? 'is a number written with a fraction or exponent where the schema says integer' : e.message;
        problems.push({ stream, line: lineNo, problem: `${e.instancePath || '/'} ${what}${e.keyword === 'additionalProperties' ? ` (${JSON.stringify(e.params)})` : ''}` });
      }
    }
    return problems;
  }
}

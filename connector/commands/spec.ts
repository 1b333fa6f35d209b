import { SPECIFICATION } from '../config/spec';
import { spec } from '../protocol/messages';
import type { Output } from '../protocol/output';

export function runSpec(output: Output): number {
  output.emit(spec(SPECIFICATION));
  return 0;
}

/** fast-check arbitraries that damage a valid text the ways files get damaged: cuts, bytes, lines. */
import fc from 'fast-check';

const NASTY = [
  '\u0000',
  '\uFFFD',
  '\uFEFF',
  '"',
  ',',
  '\n',
  '\r\n',
  '{',
  '}',
  '[',
  ']',
  ':',
  '-',
  '&a',
  '*a',
  '!!',
  '#',
  '\t',
  'NaN',
  '1e999',
  '-0',
  ' ',
];

export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'replace'; at: number; len: number; text: string }
  | { kind: 'dropLine'; line: number }
  | { kind: 'dupLine'; line: number }
  | { kind: 'swapLines'; a: number; b: number };

const pos = fc.nat({ max: 1_000_000 });
const junk = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: pos }),
  fc.record({ kind: fc.constant('insert' as const), at: pos, text: junk }),
  fc.record({ kind: fc.constant('replace' as const), at: pos, len: fc.nat({ max: 12 }), text: junk }),
  fc.record({ kind: fc.constant('dropLine' as const), line: pos }),
  fc.record({ kind: fc.constant('dupLine' as const), line: pos }),
  fc.record({ kind: fc.constant('swapLines' as const), a: pos, b: pos }),
);

export function mutate(text: string, ms: readonly Mutation[]): string {
  let t = text;
  for (const m of ms) {
    const at = (n: number) => (t.length === 0 ? 0 : n % (t.length + 1));
    if (m.kind === 'truncate') t = t.slice(0, at(m.at));
    else if (m.kind === 'insert') t = t.slice(0, at(m.at)) + m.text + t.slice(at(m.at));
    else if (m.kind === 'replace') t = t.slice(0, at(m.at)) + m.text + t.slice(at(m.at) + m.len);
    else {
      const lines = t.split('\n');
      const i = (n: number) => n % lines.length;
      if (m.kind === 'dropLine') lines.splice(i(m.line), 1);
      else if (m.kind === 'dupLine') lines.splice(i(m.line), 0, lines[i(m.line)] as string);
      else {
        const a = lines[i(m.a)] as string;
        lines[i(m.a)] = lines[i(m.b)] as string;
        lines[i(m.b)] = a;
      }
      t = lines.join('\n');
    }
  }
  return t;
}

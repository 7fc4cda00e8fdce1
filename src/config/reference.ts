/**
 * The config reference, generated from the one schema (`botConfigSchema` → JSON Schema → rows): the markdown
 * in docs/config.md and the commented YAML `zero-perps init` writes. Nothing here restates a default or a
 * range by hand, so the reference cannot drift from what the parser accepts.
 */
import { FIELD_DOCS } from './field-docs.ts';
import { botConfigJsonSchema } from './schema.ts';

type Node = Record<string, unknown>;

export interface FieldRow {
  path: string;
  /** Which strategies accept the field. */
  strategies: ('grid' | 'spread')[];
  type: string;
  required: boolean;
  default: unknown;
  allowed: string;
  description: string;
  /** True for a section or nested object (its fields follow as rows). */
  object: boolean;
}

const fmt = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function allowedOf(n: Node): string {
  if (Array.isArray(n.enum)) return n.enum.map((v) => `\`${fmt(v)}\``).join(', ');
  if (n.const !== undefined) return `\`${fmt(n.const)}\``;
  if (Array.isArray(n.anyOf)) return (n.anyOf as Node[]).map(allowedOf).filter(Boolean).join(' or ');
  if (typeof n.pattern === 'string') return `pattern \`${n.pattern}\``;
  if (n.type === 'array' && Array.isArray(n.prefixItems)) {
    const items = (n.prefixItems as Node[]).map(allowedOf);
    return new Set(items).size === 1 ? `${items.length} numbers, each ${items[0]}` : `[${items.join('; ')}]`;
  }
  if (n.type === 'array' && n.items && typeof n.items === 'object') {
    const len = n.minItems === n.maxItems && n.minItems !== undefined ? `${n.minItems} of ` : '';
    return `${len}${allowedOf(n.items as Node)}`;
  }
  const parts: string[] = [];
  if (n.exclusiveMinimum !== undefined) parts.push(`> ${n.exclusiveMinimum}`);
  if (n.minimum !== undefined) parts.push(`≥ ${n.minimum}`);
  if (n.exclusiveMaximum !== undefined) parts.push(`< ${n.exclusiveMaximum}`);
  if (n.maximum !== undefined) parts.push(`≤ ${n.maximum}`);
  const range = parts.join(', ');
  if (n.type === 'integer') return range ? `integer ${range}` : 'integer';
  if (n.type === 'boolean') return '`true`, `false`';
  return range;
}

function typeOf(n: Node): string {
  if (Array.isArray(n.anyOf)) return [...new Set((n.anyOf as Node[]).map(typeOf))].join(' | ');
  if (n.const !== undefined || Array.isArray(n.enum)) return 'string';
  return String(n.type ?? 'any');
}

function walk(
  node: Node,
  prefix: string,
  strategy: 'grid' | 'spread',
  rows: Map<string, FieldRow>,
  parentRequired: readonly string[],
): void {
  const props = (node.properties ?? {}) as Record<string, Node>;
  for (const [key, child] of Object.entries(props)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const isObject = child.type === 'object' && child.properties !== undefined;
    const existing = rows.get(path);
    if (existing) {
      if (!existing.strategies.includes(strategy)) existing.strategies.push(strategy);
    } else {
      rows.set(path, {
        path,
        strategies: [strategy],
        type: isObject ? 'object' : typeOf(child),
        required: parentRequired.includes(key) && child.default === undefined,
        default: child.default,
        allowed: isObject ? '' : allowedOf(child),
        description: FIELD_DOCS[path] ?? '',
        object: isObject,
      });
    }
    if (isObject) walk(child, path, strategy, rows, (child.required ?? []) as string[]);
  }
}

/** Every field of a config file, top level first, in schema order. */
export function configFields(): FieldRow[] {
  const schema = botConfigJsonSchema();
  const variants = (schema.oneOf ?? schema.anyOf) as Node[];
  const rows = new Map<string, FieldRow>();
  for (const v of variants) {
    const strategy = ((v.properties as Record<string, Node>).strategy?.const ?? 'grid') as 'grid' | 'spread';
    walk(v, '', strategy, rows, (v.required ?? []) as string[]);
  }
  return [...rows.values()];
}

const cell = (s: string): string => s.replaceAll('|', '\\|');

function defaultText(r: FieldRow): string {
  if (r.required) return '**required**';
  if (r.default === undefined) return r.type.includes('string') && r.allowed.includes('auto') ? 'auto' : '—';
  if (r.object) return 'all defaults';
  return `\`${fmt(r.default)}\``;
}

const SECTIONS: { key: string; title: string }[] = [
  { key: '', title: 'Top level' },
  { key: 'grid', title: '`grid:` (strategy: grid)' },
  { key: 'spread', title: '`spread:` (strategy: spread)' },
  { key: 'execution', title: '`execution:`' },
  { key: 'risk', title: '`risk:`' },
];

/** docs/config.md. */
export function renderConfigReference(): string {
  const rows = configFields();
  const out: string[] = [
    '# Bot config reference',
    '',
    '<!-- Generated from src/config/schema.ts by `npm run docs:config`; do not edit by hand. -->',
    '',
    'One YAML (or JSON) file per bot. Only `name`, `strategy`, `market` (grid) and `collateral` are required;',
    'every section has defaults. Unknown fields are errors (a typo must not silently disable a limit). Check a',
    'file with `zero-perps validate FILE`; start one with `zero-perps init`. The same schema as JSON Schema, for',
    'editors: [`bot-config.schema.json`](bot-config.schema.json).',
    '',
  ];
  for (const s of SECTIONS) {
    const inSection = rows.filter((r) =>
      s.key === '' ? !r.path.includes('.') : r.path.startsWith(`${s.key}.`),
    );
    if (inSection.length === 0) continue;
    out.push(`## ${s.title}`, '');
    if (s.key !== '') out.push(FIELD_DOCS[s.key] ?? '', '');
    out.push('| field | type | default | allowed | meaning |', '|---|---|---|---|---|');
    for (const r of inSection) {
      const only = r.strategies.length === 1 && s.key === '' ? ` (${r.strategies[0]} only)` : '';
      const field = s.key === '' ? r.path : r.path.slice(s.key.length + 1);
      out.push(
        `| \`${field}\` | ${r.type} | ${cell(defaultText(r))} | ${cell(r.allowed)} | ${cell(r.description)}${only} |`,
      );
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** docs/bot-config.schema.json. */
export function renderJsonSchema(): string {
  const schema = botConfigJsonSchema();
  return `${JSON.stringify({ ...schema, title: 'zero-perps bot config' }, null, 2)}\n`;
}

export interface InitOptions {
  strategy: 'grid' | 'spread';
  name: string;
  market: string;
  collateral: number;
}

/**
 * The commented config `zero-perps init` writes: the required fields set, every other field present as a
 * comment with its default, its range and what it does — uncomment to change.
 */
export function renderInitConfig(o: InitOptions): string {
  const rows = configFields().filter((r) => r.strategies.includes(o.strategy));
  const lines: string[] = [
    `# zero-perps bot config (${o.strategy}). Reference: docs/config.md`,
    `# Check it: zero-perps validate <this file>. Run it: zero-perps start --config <this file>`,
    '# Commented lines show each setting with its default; uncomment one to change it.',
    '',
    `# ${FIELD_DOCS.name}`,
    `name: ${o.name}`,
    `# ${FIELD_DOCS.strategy}`,
    `strategy: ${o.strategy}`,
  ];
  if (o.strategy === 'grid') lines.push(`# ${FIELD_DOCS.market}`, `market: ${o.market}`);
  lines.push(`# ${FIELD_DOCS.collateral}`, `collateral: ${o.collateral}`);
  const section = (key: string) => rows.filter((r) => r.path.startsWith(`${key}.`));
  for (const key of [o.strategy, 'execution', 'risk', 'fees']) {
    lines.push('', `# ${FIELD_DOCS[key] ?? key}`, `# ${key}:`);
    // An optional object with no default (grid.range) is opt-in: shown once as a doubly commented example,
    // so uncommenting the file's defaults does not switch it on.
    let optIn: string | undefined;
    for (const r of section(key)) {
      if (optIn && r.path.startsWith(`${optIn}.`)) continue;
      const depth = r.path.split('.').length - 1;
      const indent = '  '.repeat(depth);
      const name = r.path.split('.').at(-1) as string;
      if (r.object && r.default === undefined && !r.required) {
        optIn = r.path;
        const keys = rows
          .filter((c) => c.path.startsWith(`${r.path}.`))
          .map((c) => `${c.path.split('.').at(-1)}: …`);
        lines.push(`# # ${indent}${name}: {${keys.join(', ')}}   # ${r.description} (optional)`);
        continue;
      }
      const value = r.object ? '' : r.default === undefined ? 'auto' : fmt(r.default);
      const range = r.allowed ? ` [${r.allowed.replaceAll('`', '')}]` : '';
      lines.push(
        `# ${indent}${name}:${value === '' ? '' : ` ${value}`}${' '.repeat(Math.max(1, 28 - indent.length - name.length - value.length))}# ${r.description}${range}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

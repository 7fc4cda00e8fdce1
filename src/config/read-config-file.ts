/**
 * Reads a bot config file (YAML or JSON, by extension; YAML is a superset so anything else is read as YAML)
 * into plain data. Syntax errors name the file and line.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError } from './config-error.ts';

export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(path, [
      code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? err})`,
    ]);
  }
  return parseConfigText(text, path);
}

export function parseConfigText(text: string, source: string): unknown {
  if (source.toLowerCase().endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new ConfigError(source, [`not valid JSON: ${(err as Error).message}`]);
    }
  }
  try {
    return parseYaml(text, { uniqueKeys: true, strict: true });
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const line = err.linePos?.[0]?.line;
      const first = err.message.split('\n')[0];
      throw new ConfigError(line ? `${source}:${line}` : source, [`not valid YAML: ${first}`]);
    }
    // The yaml library throws ReferenceError for unresolved aliases and alias bombs: still the file's fault.
    throw new ConfigError(source, [`not valid YAML: ${(err as Error).message}`]);
  }
}

/**
 * Reads a bot config file (YAML or JSON, by extension; YAML is a superset so anything else is read as YAML)
 * into plain data. Syntax errors name the file and line.
 */
import { readFileSync, statSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { kindOf } from '../data/read-file.ts';
import { ConfigError } from './config-error.ts';

export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    // Only a regular file: reading a FIFO or a device (/dev/stdin) would block until a writer comes.
    const info = statSync(path);
    if (!info.isFile()) throw new ConfigError(path, [`is ${kindOf(info)}, not a config file`]);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(path, [
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EACCES'
          ? 'permission denied reading the file'
          : `cannot read the file (${code ?? err})`,
    ]);
  }
  if (text.trim() === '') {
    throw new ConfigError(path, [
      'the file is empty; a bot config needs at least name, strategy, market and collateral',
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

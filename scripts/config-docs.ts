/**
 * Writes docs/config.md and docs/bot-config.schema.json from the config schema (`npm run docs:config`).
 * src/config/reference.test.ts fails when the committed files differ from what this would write.
 */
import { writeFileSync } from 'node:fs';
import { renderConfigReference, renderJsonSchema } from '../src/config/reference.ts';

const docs = new URL('../docs/', import.meta.url);
writeFileSync(new URL('config.md', docs), renderConfigReference());
writeFileSync(new URL('bot-config.schema.json', docs), renderJsonSchema());
console.log('wrote docs/config.md and docs/bot-config.schema.json');

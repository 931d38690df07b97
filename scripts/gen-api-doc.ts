// Writes docs/api.md from the running app's route table, so that the role of every endpoint is
// documented from the code itself. `npm run docs:api`; test/docs/docs.test.ts checks it is current.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderApiDoc } from './api-doc.js';

const target = fileURLToPath(new URL('../docs/api.md', import.meta.url));
writeFileSync(target, await renderApiDoc());
console.log(`wrote ${target}`);
process.exit(0);

// PostgreSQL text cannot hold NUL characters (U+0000), so a NUL in a path parameter, query value or
// body field would fail deep in the database. Refuse it up front with a 400 naming the field.
// Alert contexts are stored as JSON text, where a NUL stays escaped: they may carry one.
import type { FastifyInstance } from 'fastify';
import { invalid } from '../errors.js';

/** The first path holding a NUL, walked without recursion (bodies are depth-bounded at parse time anyway). */
function findNul(root: unknown, rootPath: string): string | null {
  const stack: Array<[unknown, string]> = [[root, rootPath]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}.${i}`]);
    } else if (value && typeof value === 'object') {
      const entries = Object.entries(value);
      for (const [k] of entries) if (k.includes('\u0000')) return `${path}.<key>`;
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i]!;
        if (k !== 'context') stack.push([v, `${path}.${k}`]);
      }
    }
  }
  return null;
}

/** Runs at preValidation: after routing, authentication and the (depth-bounded) body parse. */
export function installNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const hit = findNul(request.params, 'params') ?? findNul(request.query, 'querystring') ?? findNul(request.body, 'body');
    if (hit) throw invalid('nul_character', `${hit} contains a NUL character (\\u0000), which cannot be stored`);
  });
}

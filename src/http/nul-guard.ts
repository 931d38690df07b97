// PostgreSQL text cannot hold NUL characters (U+0000), so a NUL in a path parameter, query value or
// body field would fail deep in the database. Refuse it up front with a 400 naming the field.
// Alert contexts are stored as JSON text, where a NUL stays escaped: they may carry one.
import type { FastifyInstance } from 'fastify';
import { invalid } from '../errors.js';

function findNul(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNul(value[i], `${path}.${i}`);
      if (hit) return hit;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'context') continue;
      if (k.includes('\u0000')) return `${path}.<key>`;
      const hit = findNul(v, `${path}.${k}`);
      if (hit) return hit;
    }
  }
  return null;
}

export function installNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const hit = findNul(request.params, 'params') ?? findNul(request.query, 'querystring') ?? findNul(request.body, 'body');
    if (hit) throw invalid('nul_character', `${hit} contains a NUL character (\\u0000), which cannot be stored`);
  });
}

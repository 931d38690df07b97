// A minimal method + path-pattern router (":name" segments), with O(1) lookup of static paths.
import type { Handler } from './reply.js';

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

export interface Match {
  handler: Handler;
  params: Record<string, string>;
}

export class Router {
  private statics = new Map<string, Handler>();
  private dynamic = new Map<string, Route[]>();
  private knownPaths: Route[] = [];

  add(method: string, pattern: string, handler: Handler): void {
    const segments = pattern.split('/').slice(1);
    const route = { method, segments, handler };
    this.knownPaths.push(route);
    if (!pattern.includes(':')) {
      this.statics.set(`${method} ${pattern}`, handler);
      return;
    }
    const k = `${method} ${segments.length}`;
    const list = this.dynamic.get(k) ?? [];
    list.push(route);
    this.dynamic.set(k, list);
  }

  match(method: string, path: string): Match | null {
    const h = this.statics.get(`${method} ${path}`);
    if (h) return { handler: h, params: {} };
    const segs = path.split('/').slice(1);
    for (const r of this.dynamic.get(`${method} ${segs.length}`) ?? []) {
      const params = matchSegments(r.segments, segs);
      if (params) return { handler: r.handler, params };
    }
    return null;
  }

  /** The methods served at this path, sorted (empty: no route → 404; else an unsupported method → 405 with Allow). */
  allowedMethods(path: string): string[] {
    const segs = path.split('/').slice(1);
    const methods = new Set<string>();
    for (const r of this.knownPaths) if (r.segments.length === segs.length && matchSegments(r.segments, segs) !== null) methods.add(r.method);
    return [...methods].sort();
  }
}

function matchSegments(pattern: string[], segs: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const s = segs[i] as string;
    if (p.startsWith(':')) {
      if (s === '') return null;
      try {
        params[p.slice(1)] = decodeURIComponent(s);
      } catch {
        return null;
      }
    } else if (p !== s) return null;
  }
  return params;
}

export const ROLES = ['admin', 'analyst', 'viewer', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  /** A console password is set (through an invite link, or generated for the bootstrap admin). */
  hasPassword: boolean;
  createdAt: number;
  updatedAt: number;
}

/** Who made a change: a person or tool with a token, a destination (two-way sync), or the system. */
export interface Actor {
  type: 'user' | 'destination' | 'system';
  id: string | null;
  name: string;
}

/** Where a change came from: the API, the console, or a Jira destination (`destination:<id>`). */
export type Origin = 'api' | 'console' | `destination:${string}` | 'system';

export type Permission =
  | 'alerts:read'
  | 'alerts:create'
  | 'alerts:write'
  | 'alerts:dispatch'
  | 'destinations:read'
  | 'destinations:write'
  | 'users:read'
  | 'users:write'
  | 'audit:read'
  | 'self:read';

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: [
    'alerts:read',
    'alerts:create',
    'alerts:write',
    'alerts:dispatch',
    'destinations:read',
    'destinations:write',
    'users:read',
    'users:write',
    'audit:read',
    'self:read',
  ],
  analyst: ['alerts:read', 'alerts:create', 'alerts:write', 'alerts:dispatch', 'destinations:read', 'users:read', 'self:read'],
  viewer: ['alerts:read', 'destinations:read', 'users:read', 'self:read'],
  ingest: ['alerts:create', 'self:read'],
};

export function may(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** Every permission a role holds (the console offers only what these allow). */
export function permissionsOf(role: Role): Permission[] {
  return [...GRANTS[role]];
}

export function rolesWith(permission: Permission): Role[] {
  return ROLES.filter((r) => may(r, permission));
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

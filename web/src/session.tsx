// The signed-in user and the CSRF token, held in memory for the life of the page.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError, api, setCsrfToken, setUnauthorizedHandler } from './api';
import type { SessionUser } from './types';

interface SessionState {
  user: SessionUser | null;
  loading: boolean;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const Ctx = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null>(null);
  const [loading, setLoading] = useState(true);

  const apply = useCallback((s: { user: SessionUser; csrfToken: string } | null) => {
    setCsrfToken(s?.csrfToken ?? null);
    setUser(s?.user ?? null);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => apply(null));
    api<{ user: SessionUser; csrfToken: string }>('GET', '/api/session')
      .then(apply)
      .catch((e: unknown) => {
        if (!(e instanceof ApiError) || e.status !== 401) console.warn('session check failed', e);
        apply(null);
      })
      .finally(() => setLoading(false));
    return () => setUnauthorizedHandler(null);
  }, [apply]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      apply(await api<{ user: SessionUser; csrfToken: string }>('POST', '/api/session', { email, password }));
    },
    [apply],
  );
  const signOut = useCallback(async () => {
    try {
      await api('DELETE', '/api/session');
    } finally {
      apply(null);
    }
  }, [apply]);

  return <Ctx.Provider value={{ user, loading, signIn, signOut }}>{children}</Ctx.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user (pages behind the sign-in only). */
export function useUser(): SessionUser {
  const { user } = useSession();
  if (!user) throw new Error('not signed in');
  return user;
}

import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, type Status, type User } from './api';

interface Session {
  user: User | null;
  status: Status | null;
  loading: boolean;
  refresh: () => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [status, setStatus] = useState<Status | null>(null);
  const [loading, setLoading] = useState(true);

  const refresh = useCallback(async () => {
    try {
      setUser(await api<User>('GET', '/api/user/self'));
    } catch {
      setUser(null);
    }
  }, []);

  const logout = useCallback(async () => {
    try {
      await api('GET', '/api/user/logout');
    } catch {
      // already logged out
    }
    setUser(null);
  }, []);

  useEffect(() => {
    (async () => {
      try {
        setStatus(await api<Status>('GET', '/api/status'));
      } catch {
        setStatus(null);
      }
      await refresh();
      setLoading(false);
    })();
  }, [refresh]);

  return (
    <SessionContext.Provider value={{ user, status, loading, refresh, logout }}>{children}</SessionContext.Provider>
  );
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api/client';

/** /api/status: public, read once per page load. */
export function useStatus() {
  return useQuery({ queryKey: ['status'], queryFn: () => api('get', '/api/status'), staleTime: 60_000 }).data;
}

/** The logged-in user, or null; undefined while loading. */
export function useSession() {
  const client = useQueryClient();
  const query = useQuery({
    queryKey: ['self'],
    queryFn: async () => {
      try {
        return await api('get', '/api/user/self');
      } catch {
        return null;
      }
    },
  });
  return {
    user: query.data,
    loading: query.isPending,
    refresh: () => client.invalidateQueries({ queryKey: ['self'] }),
    logout: async () => {
      await api('get', '/api/user/logout').catch(() => undefined);
      client.setQueryData(['self'], null);
    },
  };
}

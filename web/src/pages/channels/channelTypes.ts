import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

/**
 * The server's channel-type catalogue: names, default base URLs, key formats and the fields each type's form asks
 * for, so the console keeps no per-type knowledge.
 */
export function useChannelTypes() {
  const query = useQuery({ queryKey: ['channel-types'], queryFn: () => api('get', '/api/channel/types'), staleTime: Infinity });
  const types = query.data ?? [];
  return { types, nameOf: (id: number) => types.find((t) => t.id === id)?.name ?? `#${id}` };
}

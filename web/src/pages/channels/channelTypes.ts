import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ChannelType } from '../../api/types';

/** The server's channel-type catalogue (id, name, default base URL). */
export function useChannelTypes() {
  const query = useQuery({ queryKey: ['channel-types'], queryFn: () => api<ChannelType[]>('get', '/api/channel/types'), staleTime: Infinity });
  const types = query.data ?? [];
  return { types, nameOf: (id: number) => types.find((t) => t.id === id)?.name ?? `#${id}` };
}

/** A field of the channel's JSON `config` that a type needs (one-api's per-type inputs). */
export interface ConfigField {
  name: string;
  label: string;
  placeholder?: string;
  secret?: boolean;
  multiline?: boolean;
}

// Keyed by one-api type id, as in one-api's channel form; the type names come from the catalogue above.
export const configFields: Record<number, ConfigField[]> = {
  3: [{ name: 'api_version', label: 'API version', placeholder: '2024-03-01-preview' }],
  17: [{ name: 'plugin', label: 'Plugin' }],
  18: [{ name: 'api_version', label: 'API version', placeholder: 'v3.5' }],
  21: [{ name: 'library_id', label: 'Knowledge library ID' }],
  33: [
    { name: 'region', label: 'Region', placeholder: 'us-east-1' },
    { name: 'ak', label: 'Access key (AK)' },
    { name: 'sk', label: 'Secret key (SK)', secret: true },
  ],
  34: [
    { name: 'auth_type', label: 'Auth type', placeholder: 'personal_access_token' },
    { name: 'user_id', label: 'User ID' },
  ],
  37: [{ name: 'user_id', label: 'Account ID' }],
  42: [
    { name: 'region', label: 'Region', placeholder: 'us-central1' },
    { name: 'vertex_ai_project_id', label: 'Project ID' },
    { name: 'vertex_ai_adc', label: 'Service account JSON (ADC)', secret: true, multiline: true },
  ],
};

/** Types whose credentials live in `config`, so the key box may stay empty. */
export const keyInConfig = new Set([33, 42]);

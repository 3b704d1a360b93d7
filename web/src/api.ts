// Thin client for one-api's management API: every answer is {success, message, data}.
export interface Envelope<T> {
  success: boolean;
  message: string;
  data: T;
}

export class ApiError extends Error {}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    throw new ApiError('not logged in');
  }
  const envelope = (await response.json()) as Envelope<T>;
  if (!envelope.success) {
    throw new ApiError(envelope.message || `request failed (${response.status})`);
  }
  return envelope.data;
}

/** Like api(), for endpoints whose success answer carries extra fields beside data (channel test). */
export async function apiRaw<T>(method: string, path: string): Promise<T> {
  const response = await fetch(path, { method, credentials: 'same-origin' });
  return (await response.json()) as T;
}

export interface Status {
  system_name?: string;
  quota_per_unit: number;
  display_in_currency: boolean;
  version?: string;
}

export interface User {
  id: number;
  username: string;
  display_name: string;
  role: number;
  status: number;
  quota: number;
  used_quota: number;
  request_count: number;
  group: string;
}

export const Roles = { Common: 1, Admin: 10, Root: 100 } as const;

export function roleName(role: number): string {
  if (role >= Roles.Root) return 'root';
  if (role >= Roles.Admin) return 'admin';
  return 'user';
}

export function formatQuota(quota: number, status: Status | null): string {
  if (status?.display_in_currency && status.quota_per_unit > 0) {
    return '$' + (quota / status.quota_per_unit).toFixed(2);
  }
  return String(quota);
}

export function formatTime(unixSeconds: number): string {
  if (!unixSeconds || unixSeconds < 0) return '—';
  return new Date(unixSeconds * 1000).toLocaleString();
}

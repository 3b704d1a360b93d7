import { useCallback, useEffect, useState } from 'react';
import { api } from './api';

/**
 * A management list page's state: one page of `path` (one-api's 0-based `p`), the last error and notice, and
 * `run`, which performs an action, reports it, and reloads the page.
 */
export function usePagedList<T>(path: string) {
  const [items, setItems] = useState<T[]>([]);
  const [page, setPage] = useState(0);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');

  const load = useCallback(async () => {
    try {
      setItems(await api<T[]>('GET', `${path}?p=${page}`));
    } catch (e) {
      setError((e as Error).message);
    }
  }, [path, page]);
  useEffect(() => {
    void load();
  }, [load]);

  async function run(action: () => Promise<unknown>, done: string) {
    setError('');
    setNotice('');
    try {
      await action();
      setNotice(done);
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return { items, page, setPage, error, setError, notice, setNotice, load, run };
}

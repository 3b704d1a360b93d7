import { useState, type ReactNode } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Input, Select, Space, Table, Tag, Typography, type TableColumnsType, type TablePaginationConfig } from 'antd';
import { CopyOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, type ApiData, type ApiPath } from '../api/client';

export const pageSize = 10;

export function PageTitle({ children, extra }: { children: ReactNode; extra?: ReactNode }) {
  return (
    <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {children}
      </Typography.Title>
      {extra}
    </Space>
  );
}

type Query = Record<string, string | number | boolean | undefined | null>;

/**
 * One page of a one-api list route (0-based `p`, ten rows, no total), or a search when `keyword` is set. The pagination
 * offers a next page while the current one is full, since the server does not say how many rows there are.
 */
/** A row of a list route. */
export type ListRow<P extends ApiPath> = ApiData<P> extends readonly (infer R)[] ? R : never;

export function usePagedList<P extends ApiPath>(path: P, searchPath: ApiPath | null, query: Query = {}) {
  const [page, setPage] = useState(0);
  const [keyword, setKeyword] = useState('');
  const [order, setOrder] = useState('');
  const searching = !!keyword && !!searchPath;
  const target = searching ? searchPath : path;
  const params = searching ? { ...query, keyword } : { ...query, order, p: page };
  const result = useQuery({
    queryKey: [target, params],
    // a search route answers rows of its list route's type; tsc cannot see through ApiData of a generic path
    queryFn: () => api('get', target as P, { query: params }) as unknown as Promise<ListRow<P>[]>,
    placeholderData: keepPreviousData,
  });
  const rows = result.data ?? [];
  const pagination: TablePaginationConfig | false = searching
    ? false
    : {
        current: page + 1,
        pageSize,
        total: page * pageSize + rows.length + (rows.length === pageSize ? 1 : 0),
        showSizeChanger: false,
        onChange: (p) => setPage(p - 1),
      };
  return {
    rows,
    loading: result.isFetching,
    error: result.error,
    pagination,
    search: (value: string) => {
      setPage(0);
      setKeyword(value.trim());
    },
    resetPage: () => setPage(0),
    order,
    sortBy: (value: string) => {
      setPage(0);
      setOrder(value);
    },
    refetch: result.refetch,
  };
}

export type PagedList<T> = Omit<ReturnType<typeof usePagedList>, 'rows'> & { rows: T[] };

/** A list page's table: one page of rows from usePagedList, scrolling sideways on a narrow screen. */
export function ListTable<T extends { id: number }>({ list, columns, small }: { list: PagedList<T>; columns: TableColumnsType<T>; small?: boolean }) {
  return (
    <Table<T>
      rowKey="id"
      size={small ? 'small' : 'middle'}
      loading={list.loading}
      dataSource={list.rows}
      pagination={list.pagination}
      scroll={{ x: 'max-content' }}
      columns={columns}
    />
  );
}

/** Search box, and the orders one-api's list route accepts (`order=`), above a list. */
export function ListToolbar<T>({ list, label, placeholder, orders }: {
  list: PagedList<T>;
  label: string;
  placeholder: string;
  orders?: { value: string; label: string }[];
}) {
  const { t } = useTranslation();
  return (
    <Space wrap style={{ marginBottom: 16 }}>
      <Input.Search placeholder={placeholder} aria-label={label} allowClear onSearch={list.search} style={{ width: 260 }} />
      {orders && (
        <Select
          aria-label={t('Sort by')}
          style={{ width: 200 }}
          value={list.order}
          onChange={list.sortBy}
          options={[{ value: '', label: t('Newest first') }, ...orders]}
        />
      )}
    </Space>
  );
}

/** Runs a change, says how it went, and reloads every query (lists, the user's quota) that it may have touched. */
export function useAction() {
  const { message } = App.useApp();
  const client = useQueryClient();
  const { t } = useTranslation();
  return async function run<T>(change: () => Promise<T>, done?: string | ((result: T) => string)): Promise<T | undefined> {
    try {
      const result = await change();
      if (done) message.success(typeof done === 'function' ? done(result) : done);
      await client.invalidateQueries();
      return result;
    } catch (e) {
      message.error((e as Error).message || t('Request failed'));
      return undefined;
    }
  };
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const { message } = App.useApp();
  const { t } = useTranslation();
  return (
    <Button
      size="small"
      icon={<CopyOutlined />}
      aria-label={label}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          message.success(t('Copied'));
        } catch {
          message.info(text);
        }
      }}
    />
  );
}

const statusColors: Record<number, string> = { 1: 'green', 2: 'red', 3: 'orange', 4: 'volcano' };

export function StatusTag({ status, names }: { status: number; names: Record<number, string> }) {
  const { t } = useTranslation();
  return <Tag color={statusColors[status] ?? 'default'}>{t(names[status] ?? 'Unknown')}</Tag>;
}

/** Splits "a, b,,c" into ["a","b","c"]. */
export const splitList = (value: string | null | undefined) =>
  (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

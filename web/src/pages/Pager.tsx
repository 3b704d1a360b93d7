export default function Pager({ page, setPage, count, pageSize = 10 }: { page: number; setPage: (p: number) => void; count: number; pageSize?: number }) {
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>Previous page</button>
      <span>Page {page + 1}</span>
      <button type="button" disabled={count < pageSize} onClick={() => setPage(page + 1)}>Next page</button>
    </nav>
  );
}

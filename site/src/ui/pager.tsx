import { useI18n } from '../i18n';
import type { CursorList, CursorPage } from './hooks';

interface PagerProps {
  page: number;
  pages: number;
  onPage(page: number): void;
  /** A server-paginated list that only knows whether more exist: pass `hasMore` and no `pages`. */
  hasMore?: boolean;
}

/** Previous / next buttons with a live "Page n of m" status, in a labelled navigation. */
export function Pager({ page, pages, onPage, hasMore }: PagerProps) {
  const { t } = useI18n();
  const last = hasMore === undefined ? page >= pages : !hasMore;
  return (
    <nav class="pager" aria-label={t('ui.pager.label')}>
      <button type="button" class="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('ui.pager.previous')}
      </button>
      <span aria-live="polite">{t('ui.pager.status', { page, pages })}</span>
      <button type="button" class="button" disabled={last} onClick={() => onPage(page + 1)}>
        {t('ui.pager.next')}
      </button>
    </nav>
  );
}

/**
 * The "load more" button of a cursor list (`useCursorList`): shown while a next page exists,
 * disabled and saying "Loading…" while it loads.
 */
export function LoadMore({
  list,
  label,
}: {
  list: Pick<CursorList<CursorPage<unknown>>, 'data' | 'more' | 'loadingMore'>;
  /** The button's text, e.g. "Load more". */
  label: string;
}) {
  const { t } = useI18n();
  if (!list.data?.nextCursor) return null;
  return (
    <p class="pager">
      <button
        type="button"
        class="button"
        disabled={list.loadingMore}
        onClick={() => void list.more()}
      >
        {list.loadingMore ? t('app.loading') : label}
      </button>
    </p>
  );
}

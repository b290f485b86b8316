import { useI18n } from '../i18n';

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

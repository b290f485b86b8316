import type { Area } from '../areas';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { usePageTitle } from '../ui';

/** The page of an area that is not built yet: its name, what it will do, and nothing pretended. */
export function ComingSoonPage({ area }: { area: Area }) {
  const { t } = useI18n();
  usePageTitle(t(area.label));
  return (
    <div class="page">
      <h1 tabIndex={-1}>{t(area.label)}</h1>
      <section class="card soon">
        <span class="badge">{t('soon.badge')}</span>
        {area.about && <p class="soon-about">{t(area.about)}</p>}
        <p class="muted">{t('soon.body')}</p>
        <Link href="/" class="button">
          {t('soon.back')}
        </Link>
      </section>
    </div>
  );
}

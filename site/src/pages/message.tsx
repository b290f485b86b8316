import { type MessageKey, useI18n } from '../i18n';
import { Link } from '../router';
import { usePageTitle } from '../ui';

/** A page that only explains something: not found, access denied. */
export function MessagePage({ title, body }: { title: MessageKey; body: MessageKey }) {
  const { t } = useI18n();
  usePageTitle(t(title));
  return (
    <div class="page">
      <h1 tabIndex={-1}>{t(title)}</h1>
      <section class="card">
        <p>{t(body)}</p>
        <Link href="/" class="button">
          {t('soon.back')}
        </Link>
      </section>
    </div>
  );
}

import { useI18n } from '../../i18n';

/**
 * The "Offline" badge of one file (or ad copy variant) made by WeBox's offline provider: its
 * title says that no AI provider was called.
 */
export function OfflineBadge({ offline }: { offline: boolean | undefined }) {
  const { t } = useI18n();
  if (!offline) return null;
  return (
    <span
      class="badge gen-badge-offline gen-file-offline"
      title={t('generation.offlineBadge.title')}
    >
      {t('generation.offlineBadge')}
    </span>
  );
}

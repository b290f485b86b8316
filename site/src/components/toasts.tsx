import { deviceParts } from '../../../functions/auth/device';
import { type translate, useI18n } from '../i18n';
import { dismissToast, type Toast, useToasts } from '../notifications';

function deviceLabel(userAgent: string | null, t: typeof translate): string {
  const { browser, system } = deviceParts(userAgent);
  if (browser && system) return t('device.on', { browser, system });
  if (browser) return browser;
  if (system) return t('device.on', { browser: t('device.browser'), system });
  return t('device.unknown');
}

function toastText(toast: Toast, t: typeof translate): string {
  return t('toast.sessionStarted', { device: deviceLabel(toast.userAgent, t) });
}

/** Live notifications (for example a new sign-in), each leaving after a few seconds. */
export function Toasts() {
  const { t } = useI18n();
  const toasts = useToasts();
  return (
    // Always in the page, so toasts added later sit in a container assistive tech already knows.
    <div class="toasts">
      {toasts.map((toast) => (
        <div key={toast.id} class="toast" role="status">
          <p>{toastText(toast, t)}</p>
          <button
            type="button"
            class="icon-button"
            aria-label={t('toast.dismiss')}
            title={t('toast.dismiss')}
            onClick={() => dismissToast(toast.id)}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
      ))}
    </div>
  );
}

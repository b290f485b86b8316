import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { User } from '../api/client';
import { areasFor } from '../areas';
import { signOut } from '../auth';
import { LANGS, setLang, useI18n } from '../i18n';
import { Link, useLocation } from '../router';
import { setTheme, useTheme } from '../theme';
import { NotificationBell } from './notifications/bell';
import { Toasts } from './toasts';

function LanguageSwitch() {
  const { t, lang } = useI18n();
  return (
    <fieldset class="segmented">
      <legend class="visually-hidden">{t('lang.label')}</legend>
      {LANGS.map((code) => (
        <button
          key={code}
          type="button"
          lang={code}
          aria-label={t(`lang.${code}`)}
          aria-pressed={lang === code}
          onClick={() => setLang(code)}
        >
          {code.toUpperCase()}
        </button>
      ))}
    </fieldset>
  );
}

function ThemeToggle() {
  const { t } = useI18n();
  const theme = useTheme();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      class="icon-button"
      aria-label={t(next === 'dark' ? 'theme.toDark' : 'theme.toLight')}
      title={t(next === 'dark' ? 'theme.toDark' : 'theme.toLight')}
      onClick={() => setTheme(next)}
    >
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
        {theme === 'dark' ? (
          <path
            fill="currentColor"
            d="M12 7a5 5 0 1 0 0 10 5 5 0 0 0 0-10zm0-5 1.5 3h-3L12 2zm0 20-1.5-3h3L12 22zM2 12l3-1.5v3L2 12zm20 0-3 1.5v-3L22 12zM4.9 4.9l3.2 1.1-2.1 2.1-1.1-3.2zm14.2 14.2-3.2-1.1 2.1-2.1 1.1 3.2zM4.9 19.1 6 15.9 8.1 18l-3.2 1.1zM19.1 4.9 18 8.1 15.9 6l3.2-1.1z"
          />
        ) : (
          <path fill="currentColor" d="M20 14.5A8.5 8.5 0 0 1 9.5 4a8.5 8.5 0 1 0 10.5 10.5z" />
        )}
      </svg>
    </button>
  );
}

function UserMenu({ user }: { user: User }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (event.target instanceof Node && !root.current?.contains(event.target)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        toggle.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div class="user-menu" ref={root}>
      <button
        ref={toggle}
        type="button"
        class="user-menu-toggle"
        aria-expanded={open}
        aria-controls="user-menu-panel"
        aria-label={t('user.menu', { name: user.name })}
        onClick={() => setOpen(!open)}
      >
        <span class="avatar" aria-hidden="true">
          {user.name.trim().charAt(0).toUpperCase() || '?'}
        </span>
        <span class="user-menu-name">{user.name}</span>
      </button>
      <div id="user-menu-panel" class="user-menu-panel" hidden={!open}>
        <p class="user-menu-email">{user.email}</p>
        <Link href="/profile" onClick={() => setOpen(false)}>
          {t('area.profile')}
        </Link>
        <button
          type="button"
          class="button"
          disabled={leaving}
          onClick={() => {
            setLeaving(true);
            void signOut();
          }}
        >
          {leaving ? t('user.loggingOut') : t('user.logout')}
        </button>
      </div>
    </div>
  );
}

function SideNav({ user, open, onNavigate }: { user: User; open: boolean; onNavigate(): void }) {
  const { t } = useI18n();
  return (
    <nav id="side-nav" class={`side-nav${open ? ' is-open' : ''}`} aria-label={t('nav.label')}>
      <ul>
        {areasFor(user).map((area) => (
          <li key={area.id}>
            <Link href={area.path} onClick={onNavigate}>
              <span>{t(area.label)}</span>
              {area.about && (
                <span class="nav-soon" title={t('soon.badge')}>
                  <span class="visually-hidden">{t('soon.badge')}</span>
                </span>
              )}
            </Link>
          </li>
        ))}
      </ul>
      <p class="side-nav-footer">
        <a href="/api/docs">{t('nav.apiDocs')}</a>
      </p>
    </nav>
  );
}

/** The top bar and, for a signed-in user, the side navigation around the page. */
export function Layout({ user, children }: { user: User | null; children: ComponentChildren }) {
  const { t } = useI18n();
  const { path } = useLocation();
  const [navOpen, setNavOpen] = useState(false);
  const navToggle = useRef<HTMLButtonElement>(null);
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // After an in-app navigation, move focus to the new page's heading so screen readers
  // announce it, as a full page load would.
  useEffect(() => {
    setNavOpen(false);
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    window.scrollTo(0, 0);
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [path]);

  useEffect(() => {
    if (!navOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setNavOpen(false);
      navToggle.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navOpen]);

  return (
    <div class={`shell${user ? ' has-nav' : ''}`}>
      <a class="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header class="top-bar">
        {user && (
          <button
            ref={navToggle}
            type="button"
            class="icon-button nav-toggle"
            aria-expanded={navOpen}
            aria-controls="side-nav"
            aria-label={t(navOpen ? 'nav.close' : 'nav.open')}
            onClick={() => setNavOpen(!navOpen)}
          >
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
              <path fill="currentColor" d="M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z" />
            </svg>
          </button>
        )}
        <Link href="/" class="logo">
          <span class="logo-mark" aria-hidden="true">
            W
          </span>
          {t('app.name')}
        </Link>
        <div class="top-bar-actions">
          <LanguageSwitch />
          <ThemeToggle />
          {user && <NotificationBell />}
          {user && <UserMenu user={user} />}
        </div>
      </header>
      {user && <SideNav user={user} open={navOpen} onNavigate={() => setNavOpen(false)} />}
      <main id="main" ref={main} class="main" tabIndex={-1}>
        {children}
      </main>
      <Toasts />
    </div>
  );
}

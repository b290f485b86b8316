import { createStore, useStore } from './store';

/** The colour themes of the UI. */
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'webox.theme';

/** The remembered choice, else the system preference. */
function initialTheme(): Theme {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'light' || saved === 'dark') return saved;
  } catch {
    // Storage can be disabled; follow the system preference.
  }
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

const themeStore = createStore<Theme>(initialTheme());

function apply(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
}

/** Changes the theme and remembers it. */
export function setTheme(theme: Theme): void {
  try {
    localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    // Not remembered when storage is disabled; the choice still applies to this page.
  }
  apply(theme);
  themeStore.set(theme);
}

/**
 * Applies the theme saved in the profile: `system` forgets the local choice and follows the
 * operating system, `light` and `dark` are set and remembered like the top-bar toggle.
 */
export function applyThemePreference(preference: Theme | 'system'): void {
  if (preference !== 'system') {
    setTheme(preference);
    return;
  }
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing was remembered when storage is disabled.
  }
  const theme: Theme = window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  apply(theme);
  themeStore.set(theme);
}

/** The current theme; re-renders the caller when it changes. */
export function useTheme(): Theme {
  return useStore(themeStore);
}

apply(themeStore.get());

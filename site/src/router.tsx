import type { ComponentChildren } from 'preact';
import { createStore, useStore } from './store';

/** Where the browser is: the path and the query string (with its leading `?`, or empty). */
export interface Location {
  path: string;
  search: string;
}

function current(): Location {
  return { path: window.location.pathname, search: window.location.search };
}

const locationStore = createStore<Location>(current());

window.addEventListener('popstate', () => locationStore.set(current()));

/** Goes to an in-app URL through the history API (no page load). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const target = new URL(to, window.location.origin);
  const href = target.pathname + target.search + target.hash;
  if (href === window.location.pathname + window.location.search + window.location.hash) return;
  if (options.replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  locationStore.set(current());
}

/** The current location; re-renders the caller on navigation. */
export function useLocation(): Location {
  return useStore(locationStore);
}

/**
 * A `?next=` value is used as a redirect target only if it is a path on this site,
 * so a crafted link cannot send someone elsewhere after they log in.
 */
export function safeNext(search: string): string {
  const next = new URLSearchParams(search).get('next');
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}

interface LinkProps {
  href: string;
  class?: string;
  onClick?: (event: MouseEvent) => void;
  children: ComponentChildren;
}

/** An anchor that navigates in-app on a plain left click and behaves normally otherwise. */
export function Link({ href, onClick, children, ...rest }: LinkProps) {
  const { path } = useLocation();
  return (
    <a
      {...rest}
      href={href}
      aria-current={path === href ? 'page' : undefined}
      onClick={(event) => {
        onClick?.(event);
        if (
          event.defaultPrevented ||
          event.button !== 0 ||
          event.metaKey ||
          event.ctrlKey ||
          event.shiftKey ||
          event.altKey
        ) {
          return;
        }
        event.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}

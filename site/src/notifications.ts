import { useEffect } from 'preact/hooks';
import { socketUrl } from './api/notifications';
import { authed } from './auth';
import { createStore, useStore } from './store';

/** A toast on screen; its text is built when rendered, so it follows the UI language. */
export interface Toast {
  id: number;
  kind: 'session.started';
  userAgent: string | null;
}

/** How long a toast stays before it leaves on its own. */
const TOAST_MS = 8_000;
/** Keeps proxies and the Durable Object from treating a quiet socket as dead. */
const PING_MS = 30_000;
const MAX_BACKOFF_MS = 30_000;

const toastStore = createStore<readonly Toast[]>([]);
let nextToastId = 1;

/** Removes a toast (dismiss button or timeout). */
export function dismissToast(id: number): void {
  toastStore.set(toastStore.get().filter((toast) => toast.id !== id));
}

function showToast(toast: Omit<Toast, 'id'>): void {
  const id = nextToastId++;
  toastStore.set([...toastStore.get(), { ...toast, id }]);
  setTimeout(() => dismissToast(id), TOAST_MS);
}

/** The toasts on screen; re-renders the caller when they change. */
export function useToasts(): readonly Toast[] {
  return useStore(toastStore);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Receives the `data` of one socket event (an empty object when the event has none). */
export type SocketEventHandler = (data: Record<string, unknown>) => void;

const socketHandlers = new Map<string, Set<SocketEventHandler>>();

/**
 * Calls `handler` with the data of every socket event of `type` (for example 'job.progress',
 * 'notification', or 'hello' on each (re)connection); returns the function that stops it.
 */
export function onSocketEvent(type: string, handler: SocketEventHandler): () => void {
  let handlers = socketHandlers.get(type);
  if (!handlers) {
    handlers = new Set();
    socketHandlers.set(type, handlers);
  }
  handlers.add(handler);
  return () => {
    socketHandlers.get(type)?.delete(handler);
  };
}

function dispatch(type: string, data: Record<string, unknown>): void {
  for (const handler of [...(socketHandlers.get(type) ?? [])]) {
    try {
      handler(data);
    } catch (error) {
      // One faulty listener must not stop the others or the socket.
      console.error(error);
    }
  }
}

function handleMessage(raw: unknown): void {
  if (typeof raw !== 'string') return;
  let event: unknown;
  try {
    event = JSON.parse(raw);
  } catch {
    return; // "pong" and anything else that is not an event.
  }
  if (!isRecord(event)) return;
  if (typeof event.type === 'string') {
    dispatch(event.type, isRecord(event.data) ? event.data : {});
  }
  if (event.type === 'session.started') {
    const data = isRecord(event.data) ? event.data : {};
    showToast({
      kind: 'session.started',
      userAgent: typeof data.userAgent === 'string' ? data.userAgent : null,
    });
  }
  // Other types (`hello` on connect, `notification`, `job.progress`...) go to their listeners.
}

// One socket per tab. `run` changes on every start and stop, so callbacks of a socket that
// belongs to an earlier sign-in never reconnect or show anything.
let run = 0;
let socket: WebSocket | null = null;
let attempt = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let pingTimer: ReturnType<typeof setInterval> | undefined;

function scheduleReconnect(current: number): void {
  if (current !== run) return;
  const ceiling = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** attempt);
  attempt += 1;
  // Jitter so many tabs do not reconnect in step after a server restart.
  retryTimer = setTimeout(() => void connect(current), ceiling / 2 + Math.random() * (ceiling / 2));
}

async function connect(current: number): Promise<void> {
  let url: string;
  try {
    // A fresh token every time: they live one minute.
    url = await authed(socketUrl);
  } catch {
    scheduleReconnect(current);
    return;
  }
  if (current !== run) return;
  const ws = new WebSocket(window.location.origin.replace(/^http/, 'ws') + url);
  socket = ws;
  ws.addEventListener('open', () => {
    attempt = 0;
    clearInterval(pingTimer);
    pingTimer = setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.send('ping');
    }, PING_MS);
  });
  ws.addEventListener('message', (event) => {
    if (current === run) handleMessage(event.data);
  });
  ws.addEventListener('close', () => {
    if (socket !== ws) return;
    socket = null;
    clearInterval(pingTimer);
    scheduleReconnect(current);
  });
}

/** Opens the notification socket for the signed-in user, reconnecting until stopped. */
export function startNotifications(): void {
  stopNotifications();
  attempt = 0;
  void connect(run);
}

/** Closes the socket and cancels any reconnect (on sign-out). */
export function stopNotifications(): void {
  run += 1;
  clearTimeout(retryTimer);
  clearInterval(pingTimer);
  const ws = socket;
  socket = null;
  ws?.close(1000, 'signed out');
  toastStore.set([]);
}

/** Keeps the socket open while `userId` is signed in; closes it on sign-out or user change. */
export function useLiveNotifications(userId: string | null): void {
  useEffect(() => {
    if (!userId) return;
    startNotifications();
    return stopNotifications;
  }, [userId]);
}

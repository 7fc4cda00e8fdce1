/**
 * Live updates: one EventSource on /api/events for the whole page, and a 2 s poll as the floor. Any event
 * (or the poll) makes a view refetch what it shows, so the page never depends on the exact event payloads and
 * is at most 2 s stale even if the stream drops.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

export const POLL_MS = 2000;

type Listener = (data: unknown) => void;
const listeners = new Set<Listener>();
let source: EventSource | null = null;
let connected = false;
const statusListeners = new Set<(up: boolean) => void>();

function ensureSource(): void {
  if (source !== null || typeof EventSource === 'undefined') return;
  source = new EventSource('/api/events');
  const dispatch = (ev: MessageEvent) => {
    let data: unknown = ev.data;
    try {
      data = JSON.parse(String(ev.data));
    } catch {
      // a non-JSON event still means "something changed"
    }
    for (const l of listeners) l(data);
  };
  source.onmessage = dispatch;
  // Named events (docs/api.md: bot, fill, verdict, status, archived) do not reach onmessage; listen to each.
  for (const name of ['bot', 'fill', 'verdict', 'status', 'archived']) {
    source.addEventListener(name, dispatch as EventListener);
  }
  source.onopen = () => setConnected(true);
  source.onerror = () => setConnected(false);
}

function setConnected(up: boolean): void {
  if (connected === up) return;
  connected = up;
  for (const l of statusListeners) l(up);
}

export function onEvent(listener: Listener): () => void {
  ensureSource();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useStreamStatus(): boolean {
  const [up, setUp] = useState(connected);
  useEffect(() => {
    ensureSource();
    statusListeners.add(setUp);
    return () => statusListeners.delete(setUp);
  }, []);
  return up;
}

export interface Live<T> {
  data: T | undefined;
  error: string | undefined;
  refresh: () => void;
}

/**
 * Fetches `load()` now, on every stream event (coalesced) and every POLL_MS. `key` restarts it (e.g. a new bot
 * id). Responses that arrive out of order are dropped so the view never goes back in time.
 */
export function useLive<T>(load: () => Promise<T>, key: string): Live<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const loadRef = useRef(load);
  loadRef.current = load;
  const refreshRef = useRef<() => void>(() => {});

  useEffect(() => {
    let alive = true;
    let seq = 0;
    let shown = 0;
    let pending: ReturnType<typeof setTimeout> | null = null;
    setData(undefined);
    setError(undefined);
    const run = () => {
      const mine = ++seq;
      loadRef.current().then(
        (d) => {
          if (!alive || mine < shown) return;
          shown = mine;
          setData(d);
          setError(undefined);
        },
        (e: unknown) => {
          if (!alive || mine < shown) return;
          setError(e instanceof Error ? e.message : String(e));
        },
      );
    };
    const soon = () => {
      if (pending !== null) return;
      pending = setTimeout(() => {
        pending = null;
        run();
      }, 150);
    };
    refreshRef.current = run;
    run();
    const timer = setInterval(run, POLL_MS);
    const off = onEvent(soon);
    return () => {
      alive = false;
      clearInterval(timer);
      if (pending !== null) clearTimeout(pending);
      off();
    };
  }, [key]);

  return { data, error, refresh: () => refreshRef.current() };
}

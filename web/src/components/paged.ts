import { useState } from 'preact/hooks';
import type { Page } from '../api.ts';
import { type Live, useLive } from '../live.ts';

export interface Paged<T> {
  live: Live<Page<T>>;
  /** The live newest page followed by the older pages loaded so far, without duplicates. */
  items: T[];
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
}

/**
 * A newest-first list: the first page stays live, older pages are fetched on demand with the API's
 * `nextBefore` cursor and appended (rows are deduplicated by id, since new rows shift the live page).
 */
export function usePaged<T extends { id: string }>(
  load: (before: string | null) => Promise<Page<T>>,
  key: string,
): Paged<T> {
  const live = useLive(() => load(null), key);
  const [older, setOlder] = useState<{ key: string; items: T[]; next: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const mine = older !== null && older.key === key ? older : null;
  const cursor = mine ? mine.next : (live.data?.nextBefore ?? null);

  const seen = new Set<string>();
  const items: T[] = [];
  for (const row of [...(live.data?.items ?? []), ...(mine?.items ?? [])]) {
    if (seen.has(row.id)) continue;
    seen.add(row.id);
    items.push(row);
  }

  const loadMore = () => {
    if (cursor === null || loadingMore) return;
    setLoadingMore(true);
    load(cursor)
      .then((page) =>
        setOlder({ key, items: [...(mine?.items ?? []), ...page.items], next: page.nextBefore }),
      )
      .finally(() => setLoadingMore(false));
  };
  return { live, items, hasMore: cursor !== null, loadingMore, loadMore };
}

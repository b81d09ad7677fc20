import { useInfiniteQuery } from '@tanstack/react-query';
import { api, type Query } from './api-client.ts';

type Page<Key extends string, Item> = { [K in Key]: Item[] } & { next_cursor: string | null };

/**
 * A keyset-paged list (`{"<items>": [...], "next_cursor": ...}`) as one growing array:
 * `items` holds every page loaded so far, `fetchNextPage` loads the next ("Load more").
 */
export function usePagedList<Item, Key extends string = string>(options: {
  queryKey: readonly unknown[];
  path: string;
  itemsKey: Key;
  query?: Query;
}) {
  const { queryKey, path, itemsKey, query } = options;
  const result = useInfiniteQuery({
    queryKey: [...queryKey, query ?? {}],
    queryFn: ({ pageParam }) => api<Page<Key, Item>>(path, { query: { ...query, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
  const items = result.data?.pages.flatMap((page) => page[itemsKey]) ?? [];
  return { ...result, items };
}

/**
 * Every item of a keyset-paged list, page after page (100 each, the most the API gives): for the
 * choices of a form, which must offer all of them (a large tenant has hundreds of products and
 * thousands of clients), not the first page.
 */
export async function fetchAllPages<Item, Key extends string>(path: string, itemsKey: Key, query: Query = {}): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | undefined;
  do {
    const page = await api<Page<Key, Item>>(path, { query: { ...query, limit: 100, cursor } });
    items.push(...page[itemsKey]);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return items;
}

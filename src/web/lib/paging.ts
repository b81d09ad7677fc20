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

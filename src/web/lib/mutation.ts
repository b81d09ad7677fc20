import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';

/** A write that, once it succeeds, refreshes every query under the given keys (lists that show what changed). */
export function useWrite<Input, Output>(mutationFn: (input: Input) => Promise<Output>, refresh: QueryKey[]) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => Promise.all(refresh.map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
}

import type { ComboboxParsedItem } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { UseQueryResult } from '@tanstack/react-query';
import { type KeyboardEvent, useEffect, useState } from 'react';
import { errorMessage } from '../lib/api-client.ts';

/**
 * The search box of a select whose options the server finds: the text in the box, its words, and the
 * term to ask the server for, settled 250 ms after the last keystroke. `everyone`: a text that asks for
 * no narrowing (a Select shows its chosen option's label in the box).
 */
export function useServerSearch(everyone?: string) {
  const [text, setText] = useState('');
  const words = text === everyone ? '' : text.trim();
  const [term] = useDebouncedValue(words, 250);
  return { text, setText, words, term };
}

export type ServerSearch = ReturnType<typeof useServerSearch>;

/**
 * The props that make a searchable (Multi)Select's list the server's `answer` to the words in its box.
 * Until it is (debounce, request) the list offers nothing but `loading`, so that neither Enter nor the
 * arrow keys pick from the previous search. Enter in the box never submits the form: an option
 * highlighted with the arrow keys is picked by the select; otherwise, once the answer has come,
 * `onEnter` gets its first item not in `chosen` and the box is emptied.
 */
export function useServerSearchProps<Item extends { id: string }>(
  search: ServerSearch,
  answer: UseQueryResult<Item[]>,
  { chosen, onEnter, loading, none }: { chosen: readonly string[]; onEnter: (item: Item) => void; loading: string; none: string },
) {
  const answered = search.words === search.term && answer.isSuccess && !answer.isPlaceholderData;
  const [enterWaiting, setEnterWaiting] = useState(false);
  // After the render that shows the answer, so that `onEnter` may change the state of the page around.
  useEffect(() => {
    if (!enterWaiting || !answered) return;
    setEnterWaiting(false);
    const first = answer.data.find((item) => !chosen.includes(item.id));
    if (!first) return;
    onEnter(first);
    search.setText('');
  }, [enterWaiting, answered, answer.data, chosen, onEnter, search]);

  return {
    searchValue: search.text,
    onSearchChange: (text: string) => {
      search.setText(text);
      setEnterWaiting(false);
    },
    onKeyDown: (event: KeyboardEvent<HTMLInputElement>) => {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      if (!search.words) return;
      const listbox = document.getElementById(event.currentTarget.getAttribute('aria-controls') ?? '');
      // An option highlighted with the arrow keys is one of this search's (the list offers no other): the select picks it.
      if (answered && listbox?.querySelector('[data-combobox-selected]')) return;
      setEnterWaiting(true);
    },
    filter: ({ options }: { options: ComboboxParsedItem[] }) => (answered ? options : []),
    nothingFoundMessage: answered || answer.isError ? none : loading,
    error: answer.isError ? errorMessage(answer.error) : undefined,
  };
}

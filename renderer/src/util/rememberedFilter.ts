// A list's filters (month, 利用者, search) outlive the screen: a clerk who narrows 帳票 to one person,
// opens 予定と実績 and comes back finds the list as she left it. They are kept for this run of the app
// only — per back-end door, so a new session (or a test's fresh fake) starts unfiltered — and never
// written to disk: a filter is a view, not a setting.
import { useCallback, useState } from 'react';
import { api } from '../api.js';
import { type ListFilterState, NO_FILTER } from './listFilter.js';

const kept = new WeakMap<object, Map<string, ListFilterState>>();

function memory(): Map<string, ListFilterState> {
  const door = api();
  let m = kept.get(door);
  if (!m) kept.set(door, (m = new Map()));
  return m;
}

/** useState for a list's filters, remembered under `list` (receive, documents, compare, history). */
export function useListFilter(list: string): [ListFilterState, (f: ListFilterState) => void] {
  const [filter, setFilter] = useState<ListFilterState>(() => memory().get(list) ?? NO_FILTER);
  const set = useCallback(
    (f: ListFilterState) => {
      memory().set(list, f);
      setFilter(f);
    },
    [list],
  );
  return [filter, set];
}

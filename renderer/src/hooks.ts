// Small hooks for talking to the back end: loading data (optionally on a timer), running an action
// with a busy flag, and following the back end's progress while a long call is pending.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppState, Text } from '../../shared/api/types.js';
import { api } from './api.js';
import { errorText } from './util/errors.js';

export interface Loaded<T> {
  data: T | null;
  error: Text | null;
  loading: boolean;
  reload: () => Promise<void>;
}

/**
 * Loads data on mount and whenever `key` changes, and every `intervalMs` if given. A failed refresh keeps
 * the last good data on screen (with the error above it) rather than blanking the page.
 */
export function useLoad<T>(load: () => Promise<T>, key: string = '', intervalMs?: number): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Text | null>(null);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  // Only the newest request may write its answer: an old slow answer must not overwrite a newer one.
  const seq = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const d = await loadRef.current();
      if (mine !== seq.current) return;
      setData(d);
      setError(null);
    } catch (e) {
      if (mine !== seq.current) return;
      setError(errorText(e));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void reload();
    const id = intervalMs ? setInterval(() => void reload(), intervalMs) : undefined;
    return () => {
      if (id !== undefined) clearInterval(id);
      // Anything still in flight belongs to the old key (or an unmounted screen).
      seq.current++;
    };
  }, [reload, key, intervalMs]);

  return { data, error, loading, reload };
}

export interface Action {
  busy: boolean;
  error: Text | null;
  /** Runs `fn`; resolves to its result, or undefined when it failed (the error is then in `error`). */
  run: <R>(fn: () => Promise<R>) => Promise<R | undefined>;
  clear: () => void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Text | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(async <R,>(fn: () => Promise<R>): Promise<R | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      if (mounted.current) setError(errorText(e));
      return undefined;
    } finally {
      if (mounted.current) setBusy(false);
    }
  }, []);
  const clear = useCallback(() => setError(null), []);
  return { busy, error, run, clear };
}

/** While `active`, asks the back end every 500 ms what it is doing, for the progress bar. */
export function useActivity(active: boolean): AppState['activity'] {
  const [activity, setActivity] = useState<AppState['activity']>(null);
  useEffect(() => {
    if (!active) {
      setActivity(null);
      return undefined;
    }
    let stopped = false;
    const poll = async () => {
      try {
        const s = await api().getState({});
        if (!stopped) setActivity(s.activity);
      } catch {
        // Progress is a courtesy: the pending call itself reports any failure.
      }
    };
    void poll();
    const id = setInterval(() => void poll(), 500);
    return () => {
      stopped = true;
      clearInterval(id);
    };
  }, [active]);
  return activity;
}

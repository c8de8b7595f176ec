// テスト専用: 本物の連携サービスへの RelayClient の一部の呼び出しだけを差し替える。
// Tests only: a RelayClient to the real relay with one call changed, to play an older relay or
// something that happens between two calls (another PC of the same office answering meanwhile).
import { directoryListSchema, type DirectoryList } from '../../shared/protocol/index.js';
import type { RelayClient } from './relayClient.js';

type Overrides = Partial<Pick<RelayClient, 'directory' | 'download' | 'receipt'>>;

/** The client with `overrides` in place of its own methods; everything else goes to the client. */
export function withOverrides(client: RelayClient, overrides: (real: RelayClient) => Overrides): RelayClient {
  const replaced = overrides(client);
  return new Proxy(client, {
    get(target, prop) {
      const own = (replaced as Record<string | symbol, unknown>)[prop];
      if (own !== undefined) return own;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * A relay from before issue 11: directory entries without `certificates`. The answer is parsed with
 * the protocol's schema again, as the client parses every answer.
 */
export function relayBeforeIssue11(client: RelayClient): RelayClient {
  return withOverrides(client, (real) => ({
    directory: async (query): Promise<DirectoryList> => {
      const list = await real.directory(query);
      return directoryListSchema.parse({ offices: list.offices.map(({ certificates: _dropped, ...entry }) => entry) });
    },
  }));
}

import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import responseCachePlugin from '@apollo/server-plugin-response-cache';
import { scopeKey } from '../domain/principal';
import type { CacheConfig } from '../config/config';
import type { GraphQLContext } from '../graphql/context';

/**
 * Whole answers of catalogue operations (the persisted baselines partners and dashboards call
 * over and over), with Apollo's response cache: a repeated baseline skips parsing its nested
 * fields, the loaders and the engine entirely.
 *
 * - Only catalogue operations, never explain, and only while the result cache is on.
 * - Keyed by the operation, its variables and the principal (`sessionId`: its id and scope), and
 *   every answer is PRIVATE: no principal is served another's, and no HTTP cache may keep one.
 * - Kept as long as the engine's result cache would keep its parts: the long TTL, or the short one
 *   when any engine query read delivery days that may still change. Errors are never kept.
 * https://www.apollographql.com/docs/apollo-server/performance/caching
 */
export function responseCachePlugins(cache: CacheConfig): ApolloServerPlugin<GraphQLContext>[] {
  if (!cache.enabled) return [];
  const cacheable = async ({ contextValue }: { contextValue: GraphQLContext }) => contextValue.catalogue.operation !== null && !contextValue.runner.explain;
  const policy: ApolloServerPlugin<GraphQLContext> = {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, overallCachePolicy }) {
          const maxAge = Math.floor((contextValue.runner.readOpenRange ? cache.openTtlMs : cache.ttlMs) / 1000);
          overallCachePolicy.restrict({ maxAge, scope: 'PRIVATE' });
        },
      };
    },
  };
  return [
    // hints for every field (the answers' freshness is decided per request, below); no HTTP headers
    ApolloServerPluginCacheControl({ defaultMaxAge: Math.floor(cache.ttlMs / 1000), calculateHttpHeaders: false }),
    policy,
    responseCachePlugin<GraphQLContext>({
      sessionId: async ({ contextValue }) => scopeKey(contextValue.principal),
      shouldReadFromCache: cacheable,
      shouldWriteToCache: cacheable,
    }),
  ];
}

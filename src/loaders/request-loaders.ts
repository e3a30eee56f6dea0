import type { QueryLimits } from '../services/limits';
import type { QueryRunner } from '../services/query-runner';
import { RoleChainService } from '../services/role-chain.service';
import { createIdentityLoaders } from './identity-loaders';
import { createResourceLoaders } from './resource-loaders';
import { createRoleChainLoader } from './role-chain-loaders';

/** Every DataLoader of one request (STYLE.md habit 8: loaders are per request, never shared). */
export function createRequestLoaders(runner: QueryRunner, limits: QueryLimits) {
  return {
    ...createIdentityLoaders(runner, limits),
    roleChains: createRoleChainLoader(runner, new RoleChainService(limits)),
    resources: createResourceLoaders(runner, limits),
  };
}

export type RequestLoaders = ReturnType<typeof createRequestLoaders>;

import type { Principal } from '../domain/principal';
import type { Engine, LakeInfo } from '../engines/engine';

/** What the lake holds, as far as a principal may see: coverage, accounts, regions, files, rejects. */
export class LakeService {
  async info(engine: Engine, principal: Principal): Promise<LakeInfo> {
    const info = await engine.lakeInfo(principal.accounts);
    // A scoped principal (a partner) is not told where the lake lives.
    return principal.accounts === '*' ? info : { ...info, location: `${engine.name} lake` };
  }
}

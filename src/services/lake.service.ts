import type { Engine, LakeInfo } from '../engines/engine';

/** What the lake holds: coverage, accounts, regions, files and what could not be read. */
export class LakeService {
  info(engine: Engine): Promise<LakeInfo> {
    return engine.lakeInfo();
  }
}

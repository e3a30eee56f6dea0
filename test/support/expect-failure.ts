import { TrailgateError } from '../../src/domain/trailgate-error';

/** The TrailgateError `p` rejects with (the test fails if it resolves or rejects with anything else). */
export async function failure(p: Promise<unknown>): Promise<TrailgateError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TrailgateError);
    return e as TrailgateError;
  }
  throw new Error('expected a failure');
}

import { recordStructure } from '../../src/sql/duckdb-struct-type';

describe('the json_transform structure of a statement', () => {
  it('keeps of a struct only the members read, spelled as the record spells them', () => {
    const shape = JSON.parse(recordStructure(new Set(['eventtime', 'useridentity.arn', 'useridentity.sessioncontext.sessionissuer.arn'])));
    expect(shape).toEqual({ userIdentity: { arn: 'VARCHAR', sessionContext: { sessionIssuer: { arn: 'VARCHAR' } } }, eventTime: 'VARCHAR' });
  });

  it('keeps a struct whole when it is read whole, whatever members are read too', () => {
    const whole = JSON.parse(recordStructure(new Set(['useridentity'])));
    expect(JSON.parse(recordStructure(new Set(['useridentity', 'useridentity.arn'])))).toEqual(whole);
    expect(Object.keys(whole.userIdentity)).toEqual(expect.arrayContaining(['type', 'arn', 'onBehalfOf', 'sessionContext', 'inScopeOf']));
    expect(JSON.parse(recordStructure(new Set(['useridentity.sessioncontext', 'useridentity.arn']))).userIdentity.sessionContext).toEqual(whole.userIdentity.sessionContext);
  });

  it('keeps arrays and JSON members whole, and every column when no paths are given', () => {
    expect(JSON.parse(recordStructure(new Set(['resources.arn', 'requestparameters'])))).toEqual({
      requestParameters: 'JSON',
      resources: [{ ARN: 'VARCHAR', ARNPrefix: 'VARCHAR', accountId: 'VARCHAR', type: 'VARCHAR' }],
    });
    expect(Object.keys(JSON.parse(recordStructure(null))).length).toBeGreaterThan(25);
  });
});

import { principalFromClaims, type ClaimRule } from '../../../src/auth/principal-from-claims';
import { ANONYMOUS_PRINCIPAL, type Principal } from '../../../src/domain/principal';

const p = (id: string): Principal => ({ ...ANONYMOUS_PRINCIPAL, id });
const rules: ClaimRule[] = [
  { when: { groups: 'secops', email_verified: true }, principal: p('secops') },
  { when: { org: 'acme' }, principal: p('acme') },
  { when: { tier: 2 }, principal: p('tier2') },
];
const match = (claims: Record<string, unknown>) => principalFromClaims(rules, claims)?.id ?? null;

describe('principalFromClaims', () => {
  it('needs every claim of a rule: equal, or contained in an array claim', () => {
    expect(match({ groups: ['eng', 'secops'], email_verified: true })).toBe('secops');
    expect(match({ groups: 'secops', email_verified: true })).toBe('secops');
    expect(match({ groups: ['secops'], email_verified: false })).toBeNull();
    expect(match({ groups: ['secops'] })).toBeNull();
  });

  it('takes the first matching rule in order', () => {
    expect(match({ groups: ['secops'], email_verified: true, org: 'acme' })).toBe('secops');
    expect(match({ groups: ['secops'], org: 'acme' })).toBe('acme');
  });

  it('compares strictly: no type coercion, no substring, no nested paths', () => {
    expect(match({ tier: '2' })).toBeNull();
    expect(match({ tier: 2 })).toBe('tier2');
    expect(match({ org: 'acme-evil' })).toBeNull();
    expect(match({ org: ['acme-evil', 'ac'] })).toBeNull();
    expect(match({ claims: { org: 'acme' } })).toBeNull();
    expect(match({})).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { assessPassword } from './password-policy.ts';

const owner = { email: 'priya.patel@northwind.test', name: 'Priya Patel' };

describe('the password policy', () => {
  it.each([
    ['fewer than 12 characters', 'Tr0ub4dor&3', 'Use at least 12 characters.'],
    ['a heavily used password', 'password1234', /commonly used password/],
    ['a keyboard walk', 'qwertyuiop123', /commonly used password/],
    ['repeated characters', ' '.repeat(12), /Repeated characters/],
    ['a repeated word', 'passwordpassword', /Repeated character patterns/],
    ['the product’s name', 'jobready-demo', /contains the account’s name or email, or the product’s name/],
    ['the owner’s email', 'priya.patel@northwind.test', /contains the account’s name or email, or the product’s name/],
    ['the owner’s name and a year', 'Priya Patel 1990', /contains the account’s name or email, or the product’s name/],
  ])('refuses %s, saying why', (_case, password, problem) => {
    const verdict = assessPassword(password, owner);
    expect(verdict.acceptable).toBe(false);
    expect(verdict.score).toBeLessThan(3);
    expect(verdict.problem).toMatch(problem);
  });

  it.each(['open-the-demo-door', 'correct-horse-battery', 'orange-kite-harbour', 'my cat is called felix'])('accepts %s', (password) => {
    expect(assessPassword(password, owner)).toEqual({ acceptable: true, score: expect.any(Number), problem: null });
  });

  it('judges a password against its own owner only', () => {
    expect(assessPassword('northwind-priya', owner).acceptable).toBe(false);
    expect(assessPassword('northwind-priya', { email: 'omar@contoso.test', name: 'Omar Mentor' }).acceptable).toBe(true);
  });

  it('judges only the first 64 characters, so that a crafted long password cannot tie up the server', () => {
    expect(assessPassword(`${'a'.repeat(64)}orange-kite-harbour`).acceptable).toBe(false);
    expect(assessPassword('P@ssw0rd'.repeat(16)).acceptable).toBe(false);
  });
});

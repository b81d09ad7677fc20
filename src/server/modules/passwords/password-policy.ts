import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary, translations } from '@zxcvbn-ts/language-en';

export const passwordMinLength = 12;
export const passwordMaxLength = 128;

/** zxcvbn's score (0–4) a password needs: 3 is "safely unguessable" (about 10⁸ guesses and more). */
const minimumScore = 3;

/** Characters that join words (spaces, punctuation): judged with and without them. */
const separators = /[\s\-_.,;:!?+*/\\|~'"]+/g;

/** Words that make a password guessable here whoever the user is. */
const productWords = ['jobready', 'job ready'];

export type PasswordOwner = { email?: string; name?: string };

export type PasswordAssessment = {
  acceptable: boolean;
  /** zxcvbn's estimate, 0 (guessed at once) to 4 (very hard to guess); 0 when too short to estimate. */
  score: number;
  /** What is wrong and how to do better, in a sentence or two; null when acceptable. */
  problem: string | null;
};

// Built on first use: unpacking the dictionaries takes about 0.3 s and 40 MB, which a process that
// never checks a password should not pay.
let estimator: ZxcvbnFactory | undefined;
const estimate = () =>
  (estimator ??= new ZxcvbnFactory({
    translations: {
      ...translations,
      warnings: { ...translations.warnings, userInputs: 'It contains the account’s name or email, or the product’s name.' },
    },
    graphs: adjacencyGraphs,
    dictionary: { ...commonDictionary, ...englishDictionary },
    // Only the first 64 characters are examined (a longer password is strong for its length alone),
    // and l33t variants are bounded: with the defaults a crafted 128-character password took 1.2 s
    // of CPU; with these the worst we found takes 80 ms (decision 026).
    maxLength: 64,
    l33tMaxSubstitutions: 10,
  }));

/**
 * The password policy (decision 026): at least 12 characters and a zxcvbn score of 3 or more, with
 * and without its separators, estimated with the common-password and English dictionaries and with
 * the product's name and the owner's email and name counted as words an attacker tries first.
 */
export function assessPassword(password: string, owner: PasswordOwner = {}): PasswordAssessment {
  if (password.length < passwordMinLength) {
    return { acceptable: false, score: 0, problem: `Use at least ${passwordMinLength} characters.` };
  }
  const words = contextWords(owner);
  // zxcvbn-ts judges a word after a separator as random characters: `i love my dog!` scores 4,
  // `ilovemydog` 0. Separators add little for an attacker, so the password is judged without them too.
  const joined = password.replace(separators, '');
  const results = [estimate().check(password, words), ...(joined && joined !== password ? [estimate().check(joined, words)] : [])];
  const result = results.reduce((weakest, next) => (next.guesses < weakest.guesses ? next : weakest));
  if (result.score >= minimumScore) return { acceptable: true, score: result.score, problem: null };
  const { warning, suggestions } = result.feedback;
  const advice = suggestions.length ? suggestions : ['Add another word or two that are less common.'];
  return { acceptable: false, score: result.score, problem: [warning ?? 'This password is too easy to guess.', ...advice].join(' ') };
}

/**
 * The email, its local part and the pieces of both (the organisation in `northwind.test`), the name
 * and its pieces, and the product's name.
 */
function contextWords({ email, name }: PasswordOwner): string[] {
  const words = new Set(productWords);
  const add = (value: string | undefined) => {
    const word = value?.trim().toLowerCase();
    if (word && word.length >= 3) words.add(word);
  };
  if (email) {
    add(email);
    const [local = '', domain = ''] = email.split('@');
    add(local);
    for (const piece of local.split(/[._+-]+/)) add(piece);
    for (const label of domain.split('.').slice(0, -1)) add(label);
  }
  if (name) {
    add(name);
    for (const piece of name.split(/\s+/)) add(piece);
  }
  return [...words];
}

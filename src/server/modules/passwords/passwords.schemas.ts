import { z } from 'zod';
import { hasControlCharacters, optionalText } from '../../http/schemas.ts';
import { passwordMaxLength, passwordMinLength } from './password-policy.ts';

/** A password being set: the policy's length here, its strength in the use case (decision 026). */
const noControlCharacters = { message: 'Must not contain control characters (such as NUL, tab or a line break)' };

export const newPassword = z
  .string()
  .min(passwordMinLength)
  .max(passwordMaxLength)
  .refine((value) => !hasControlCharacters(value), noControlCharacters)
  .meta({
    description: `At least ${passwordMinLength} characters and hard to guess: common passwords, the product's name and the user's own email or name are refused (passwords.too_weak).`,
  });

export const setPasswordBody = z.object({
  password: newPassword,
  change_at_next_sign_in: z
    .boolean()
    .default(true)
    .meta({ description: 'The user must choose their own password when they next sign in (default true).' }),
});

export const strengthBody = z.object({
  password: z
    .string()
    .max(passwordMaxLength)
    .refine((value) => !hasControlCharacters(value), noControlCharacters),
  email: optionalText(254).meta({ description: 'The email of the account the password is for' }),
  name: optionalText(200).meta({ description: 'The name of the person the password is for' }),
});

export const strengthSchema = z
  .object({
    acceptable: z.boolean(),
    score: z.number().int().min(0).max(4).meta({ description: 'zxcvbn estimate: 0 guessed at once … 4 very hard to guess' }),
    problem: z.string().nullable().meta({ description: 'What is wrong and how to do better; null when acceptable' }),
  })
  .meta({ id: 'PasswordStrength' });

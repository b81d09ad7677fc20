import { z } from 'zod';
import { hasControlCharacters, optionalText, timestamp } from '../../http/schemas.ts';
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

const resetToken = z.string().min(20).max(200).meta({ description: 'The token of the link (after `#token=` in its address).' });

export const resetRequestBody = z.object({ email: z.string().trim().max(254).meta({ example: 'priya@northwind.test' }) });

export const resetTokenBody = z.object({ token: resetToken });

export const resetCompleteBody = z.object({ token: resetToken, new_password: newPassword });

export const resetOwnerResponse = z.object({
  reset: z.object({ email: z.string(), name: z.string(), expires_at: timestamp }).meta({
    id: 'PasswordResetOwner',
    example: { email: 'priya@northwind.test', name: 'Priya Patel', expires_at: '2026-12-07T15:00:00.000Z' },
  }),
});

export const issuedResetResponse = z.object({
  reset: z
    .object({
      emailed: z.boolean().meta({ description: 'True when the link was emailed to the user (SMTP_URL is set); then `url` is null.' }),
      url: z.string().nullable().meta({ description: 'The link to hand over, when no email is sent; shown this once.' }),
      expires_at: timestamp,
    })
    .meta({
      id: 'IssuedPasswordReset',
      example: { emailed: false, url: 'https://jobready.example/reset-password#token=…', expires_at: '2026-12-08T15:00:00.000Z' },
    }),
});

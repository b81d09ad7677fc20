import { defineError } from '../../http/errors.ts';

/** The field and what makes it guessable are in `details.fields`, as for any invalid field. */
export const passwordTooWeak = defineError('passwords.too_weak', 400, 'This password is too easy to guess.');
export const currentPasswordWrong = defineError('passwords.current_password_wrong', 400, 'That is not your current password.');
export const passwordUnchanged = defineError('passwords.unchanged', 400, 'Choose a password different from your current one.');
export const resetLinkInvalid = defineError(
  'passwords.reset_link_invalid',
  404,
  'This password link is unknown, used or expired. Ask for a new one.',
);
export const resetByEmailUnavailable = defineError(
  'passwords.reset_by_email_unavailable',
  409,
  'This server sends no email. Ask your programme team for a link to choose a new password.',
);

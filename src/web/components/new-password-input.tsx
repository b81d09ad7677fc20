import { PasswordInput, type PasswordInputProps, Progress, Text } from '@mantine/core';
import { type PasswordOwner, usePasswordStrength } from '../lib/password-strength.ts';

const scoreColor = ['red', 'red', 'orange', 'teal', 'green'];
const scoreLabel = ['Very easy to guess', 'Easy to guess', 'Somewhat easy to guess', 'Strong', 'Very strong'];

/**
 * A field for a password being set. Under it, a hint until something is typed, then a meter saying
 * how the password policy judges it (as the field's description, so screen readers hear it too);
 * an error on the field takes the meter's place until the password is edited.
 */
export function NewPasswordInput({ owner, value, ...props }: PasswordInputProps & { owner: PasswordOwner; value: string }) {
  const strength = usePasswordStrength(value, owner);
  const verdict = value ? strength.data : undefined;
  // PasswordInput marks its field invalid only with a data attribute: assistive technology needs aria-invalid.
  if (props.error) return <PasswordInput autoComplete="new-password" value={value} {...props} aria-invalid />;
  return (
    <PasswordInput
      autoComplete="new-password"
      value={value}
      inputWrapperOrder={['label', 'input', 'description', 'error']}
      description={
        <span aria-live="polite">
          {verdict ? (
            <>
              <Progress
                component="span"
                display="block"
                value={(verdict.score + 1) * 20}
                color={scoreColor[verdict.score]}
                size="sm"
                mt={4}
                aria-hidden
                transitionDuration={150}
              />
              <Text component="span" display="block" size="sm" mt={4} c={verdict.acceptable ? 'green' : 'red'}>
                {verdict.acceptable ? `${scoreLabel[verdict.score]} password.` : verdict.problem}
              </Text>
            </>
          ) : (
            <Text component="span" size="xs" c="gray.7">
              At least 12 characters. A few unrelated words make a strong password.
            </Text>
          )}
        </span>
      }
      {...props}
    />
  );
}

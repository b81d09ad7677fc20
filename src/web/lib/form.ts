import { type FormEvent, useState } from 'react';
import { ApiError } from './api-client.ts';

type Errors<Values> = Partial<Record<keyof Values & string, string>>;

/**
 * Small controlled-form state: values, per-field errors (ours or the API's), submit handling.
 * `validate` catches what the browser can tell before asking the server; the server's field
 * errors (400 `details.fields`) land on the same fields through `showApiError`.
 */
export function useForm<Values extends Record<string, unknown>>(initial: Values, validate?: (values: Values) => Errors<Values>) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Errors<Values>>({});

  function setValue<Name extends keyof Values & string>(name: Name, value: Values[Name]) {
    setValues((current) => ({ ...current, [name]: value }));
    setErrors((current) => ({ ...current, [name]: undefined }));
  }

  return {
    values,
    errors,
    setValue,
    reset: (next: Values = initial) => {
      setValues(next);
      setErrors({});
    },
    /**
     * Props for a Mantine text input bound to `name`. `aria-invalid` is set here as well: Mantine's
     * PasswordInput marks an error only with a data attribute, which assistive technology does not read.
     */
    text: (name: keyof Values & string) => ({
      name,
      value: String(values[name] ?? ''),
      error: errors[name],
      'aria-invalid': errors[name] ? true : undefined,
      onChange: (event: { currentTarget: { value: string } }) => setValue(name, event.currentTarget.value as Values[typeof name]),
    }),
    onSubmit: (submit: (values: Values) => void) => (event: FormEvent) => {
      event.preventDefault();
      const found = validate?.(values) ?? {};
      setErrors(found);
      if (Object.values(found).every((error) => !error)) submit(values);
    },
    showApiError: (error: unknown) => {
      if (error instanceof ApiError) setErrors(error.fields as Errors<Values>);
    },
  };
}

export const isBlank = (value: unknown) => typeof value !== 'string' || value.trim() === '';

/** An error to show above a form: none when the API named the fields at fault, which show it themselves. */
export const formLevelError = (error: unknown) => (error instanceof ApiError && Object.keys(error.fields).length > 0 ? null : error);

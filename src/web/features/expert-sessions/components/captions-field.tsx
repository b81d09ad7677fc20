import { Alert, Button, FileInput, Fieldset, Group, List, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { ApiError, errorMessage } from '../../../lib/api-client.ts';
import { formatDate } from '../../../lib/labels.ts';
import { type ExpertSession, type SessionCaptions, useDeleteCaptions, usePutCaptions } from '../api/expert-sessions.ts';

type Problem = { line: number; message: string };

const kib = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024))} KB`;

/**
 * The session's captions, one WebVTT file per language. Each is stored as soon as it is added or
 * removed (not with the dialog's Save): the server validates the file and names the language.
 * No <form> of its own: it sits inside the dialog's form.
 */
export function CaptionsField({ session }: { session: ExpertSession }) {
  const [captions, setCaptions] = useState<SessionCaptions[]>(session.captions);
  const [language, setLanguage] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ language?: string; file?: string }>({});
  const put = usePutCaptions();
  const remove = useDeleteCaptions();
  const problems = (put.error instanceof ApiError && (put.error.details as { problems?: Problem[] } | undefined)?.problems) || [];

  const add = () => {
    const errors = {
      language: language.trim() ? undefined : 'Enter a language, such as en or pt-BR',
      file: file ? undefined : 'Choose a .vtt file',
    };
    setFieldErrors(errors);
    if (errors.language || errors.file || !file) return;
    put.mutate(
      { id: session.id, language: language.trim(), file },
      {
        onSuccess: ({ captions: saved }) => {
          const entry: SessionCaptions = { ...saved, url: '', size_bytes: file.size, updated_at: new Date().toISOString() };
          setCaptions((current) =>
            [...current.filter((other) => other.language !== saved.language), entry].sort((a, b) => a.label.localeCompare(b.label)),
          );
          setLanguage('');
          setFile(null);
        },
        onError: (error) => {
          if (error instanceof ApiError && error.code === 'expert_sessions.captions_language_invalid')
            setFieldErrors({ language: error.message });
        },
      },
    );
  };

  return (
    <Fieldset legend="Captions" variant="unstyled">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          WebVTT files, one per language, shown in the student’s player. Each is saved as soon as you add or remove it.
        </Text>
        {captions.length === 0 ? (
          <Text size="sm">No captions yet.</Text>
        ) : (
          <Stack gap={6} component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Captions">
            {captions.map((entry) => (
              <Group key={entry.language} component="li" justify="space-between" wrap="nowrap" gap="sm">
                <Text size="sm">
                  <Text span fw={600}>
                    {entry.label}
                  </Text>{' '}
                  ({entry.language}) · {kib(entry.size_bytes)} · {formatDate(entry.updated_at)}
                </Text>
                <Button
                  type="button"
                  size="xs"
                  variant="default"
                  loading={remove.isPending && remove.variables?.language === entry.language}
                  aria-label={`Remove ${entry.label} captions`}
                  onClick={() =>
                    remove.mutate(
                      { id: session.id, language: entry.language },
                      { onSuccess: () => setCaptions((current) => current.filter((other) => other.language !== entry.language)) },
                    )
                  }
                >
                  Remove
                </Button>
              </Group>
            ))}
          </Stack>
        )}
        {remove.isError && (
          <Alert color="red" variant="light" role="alert">
            {errorMessage(remove.error)}
          </Alert>
        )}
        <Group align="flex-start" gap="sm" grow preventGrowOverflow={false}>
          <TextInput
            label="Language"
            placeholder="en, fr, pt-BR"
            description="A language tag; the name is added for you."
            value={language}
            onChange={(event) => setLanguage(event.currentTarget.value)}
            error={fieldErrors.language}
            maw={200}
          />
          <FileInput
            label="WebVTT file"
            placeholder="Choose a .vtt file"
            description="At most 1 MB."
            accept=".vtt,text/vtt"
            value={file}
            onChange={setFile}
            error={fieldErrors.file}
            clearable
          />
        </Group>
        <Group>
          <Button type="button" variant="default" onClick={add} loading={put.isPending}>
            Add captions
          </Button>
        </Group>
        {put.isError && !fieldErrors.language && (
          <Alert color="red" variant="light" role="alert" title="These captions were not saved">
            <Text size="sm">{errorMessage(put.error)}</Text>
            {problems.length > 0 && (
              <List size="sm" mt={4}>
                {problems.map((problem) => (
                  <List.Item key={`${problem.line}-${problem.message}`}>
                    Line {problem.line}: {problem.message}
                  </List.Item>
                ))}
              </List>
            )}
          </Alert>
        )}
      </Stack>
    </Fieldset>
  );
}

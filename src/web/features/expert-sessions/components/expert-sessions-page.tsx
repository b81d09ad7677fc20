import {
  ActionIcon,
  Anchor,
  AspectRatio,
  Badge,
  Box,
  Button,
  Center,
  Flex,
  Group,
  Image,
  Menu,
  Paper,
  Progress,
  SimpleGrid,
  Text,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { DataTable } from '../../../components/data-table.tsx';
import { IconDots, IconPencil, IconPlus, IconTrash, IconVideo } from '../../../components/icons.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { FilterSelect, ListToolbar, useListFilters } from '../../../components/list-toolbar.tsx';
import { PagedListView } from '../../../components/states.tsx';
import { notifyDone, notifyFailed } from '../../../lib/feedback.tsx';
import { formatDate } from '../../../lib/labels.ts';
import { useProductChoices } from '../../../lib/product-choices.ts';
import {
  type ExpertSession,
  type SessionStatus,
  type SessionSummary,
  useExpertSession,
  useExpertSessions,
  useRestoreSession,
  useSessionSummary,
} from '../api/expert-sessions.ts';
import { uploadDrafts, useRequestedForm } from '../api/resumable-upload.ts';
import { CreateSessionDialog, DeleteSessionDialog, EditSessionDialog, formatDuration } from './session-dialogs.tsx';

type Dialog =
  | { kind: 'create'; draftKey?: string }
  | { kind: 'edit' | 'delete'; session: ExpertSession }
  | { kind: 'edit-draft'; sessionId: string; draftKey: string };

const statusOptions: { value: SessionStatus; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'inactive', label: 'Inactive' },
  { value: 'deleted', label: 'Deleted' },
];

export function ExpertSessionsPage() {
  const filters = useListFilters(
    { label: 'Search', placeholder: 'Title' },
    { productId: null as string | null, status: null as SessionStatus | null },
  );
  const query = { search: filters.term, ...filters.values };
  const sessions = useExpertSessions(query);
  const summary = useSessionSummary(query);
  const products = useProductChoices('JOB_READINESS');
  const restore = useRestoreSession();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = () => setDialog(null);
  // The row to show: a restored or created session, marked until the next action.
  const [shown, setShown] = useState<string | null>(null);
  const onRestore = (session: ExpertSession) =>
    restore.mutate(session.id, {
      onSuccess: () => {
        // Restored, it leaves the Deleted filter: the list it is now in shows it.
        filters.set('status', null);
        setShown(session.id);
        notifyDone(`“${session.title}” restored${session.is_active ? '' : ' (inactive)'}`);
      },
      onError: (error) => notifyFailed(`“${session.title}” was not restored`, error),
    });

  // A form the uploads tray asked for.
  const requested = useRequestedForm();
  useEffect(() => {
    if (!requested) return;
    const key = uploadDrafts.takeRequest();
    const draft = key ? uploadDrafts.get(key) : undefined;
    if (!key || !draft) return;
    setDialog(
      draft.target.kind === 'create'
        ? { kind: 'create', draftKey: key }
        : { kind: 'edit-draft', sessionId: draft.target.sessionId, draftKey: key },
    );
  }, [requested]);

  return (
    <>
      <PageHeader
        title="Expert sessions"
        description="Recorded talks shared by one or more job-readiness products."
        actions={
          <Button leftSection={<IconPlus />} onClick={() => setDialog({ kind: 'create' })}>
            New session
          </Button>
        }
      />
      {summary.data && <SessionStats summary={summary.data} />}
      <ListToolbar filters={filters} cols={{ base: 1, sm: 3 }} maw={900}>
        <FilterSelect
          filters={filters}
          name="productId"
          label="Product"
          placeholder="All products"
          data={(products.data ?? []).map((product) => ({ value: product.id, label: product.name }))}
          searchable
        />
        <FilterSelect filters={filters} name="status" label="Status" placeholder="Active and inactive" data={statusOptions} />
      </ListToolbar>
      <PagedListView
        list={sessions}
        noun="sessions"
        empty={
          filters.active
            ? { title: 'No session matches these filters', onClear: filters.clear }
            : { title: 'No expert sessions yet', text: 'Upload the first recording.' }
        }
      >
        {(items) => (
          <DataTable
            label="Expert sessions"
            rows={items}
            rowKey={(session) => session.id}
            highlighted={(session) => session.id === shown}
            title={{
              header: 'Session',
              cell: (session) => (
                // In the table the poster sits above the title, which then has the column's width: beside it, the
                // title had some 110 px at 1280 px and took three or four lines. Two lines at most, whole on hover.
                <Flex direction={{ base: 'row', sm: 'column' }} gap="sm" align="flex-start">
                  <PosterThumbnail url={session.poster_url} />
                  <Box miw={0}>
                    <Anchor
                      component={Link}
                      to={`/admin/expert-sessions/${session.id}/progress`}
                      fw={600}
                      aria-label={`Progress of ${session.title}`}
                      title={session.title}
                      lineClamp={2}
                    >
                      {session.title}
                    </Anchor>
                    <Text size="sm" c="dimmed" lineClamp={1} maw={320}>
                      {session.description || 'No description'}
                    </Text>
                    {session.captions.length > 0 && (
                      <Text size="xs" c="dimmed">
                        Captions: {session.captions.map((captions) => captions.label).join(', ')}
                      </Text>
                    )}
                  </Box>
                </Flex>
              ),
            }}
            columns={[
              {
                header: 'Products',
                wide: true,
                cell: (session) =>
                  session.products.length ? (
                    <Group gap={4}>
                      {session.products.map((product) => (
                        <Badge key={product.id} variant="light" tt="none">
                          {product.name}
                        </Badge>
                      ))}
                    </Group>
                  ) : (
                    <Text size="sm" c="dimmed">
                      No products
                    </Text>
                  ),
              },
              { header: 'Duration', nowrap: true, cell: (session) => <Text size="sm">{formatDuration(session.video_duration)}</Text> },
              { header: 'Status', cell: (session) => <StatusBadge session={session} /> },
              {
                header: 'Completed',
                cell: ({ completion_stats: stats }) => (
                  <div style={{ minWidth: 110 }}>
                    <Text size="sm">
                      {stats.completed_students} of {stats.eligible_students} · {Math.round(stats.completion_rate)}%
                    </Text>
                    <Progress value={stats.completion_rate} size="sm" mt={4} aria-hidden />
                  </div>
                ),
              },
              { header: 'Uploaded', nowrap: true, cell: (session) => <Text size="sm">{formatDate(session.created_at)}</Text> },
            ]}
            actions={(session) =>
              session.deleted_at ? (
                <Button
                  size="xs"
                  variant="default"
                  loading={restore.isPending && restore.variables === session.id}
                  onClick={() => onRestore(session)}
                >
                  Restore
                </Button>
              ) : (
                <Menu position="bottom-end">
                  <Menu.Target>
                    <ActionIcon variant="subtle" color="gray" size="lg" aria-label={`Actions for ${session.title}`}>
                      <IconDots />
                    </ActionIcon>
                  </Menu.Target>
                  <Menu.Dropdown>
                    <Menu.Item leftSection={<IconPencil />} onClick={() => setDialog({ kind: 'edit', session })}>
                      Edit
                    </Menu.Item>
                    <Menu.Item color="red" leftSection={<IconTrash />} onClick={() => setDialog({ kind: 'delete', session })}>
                      Delete
                    </Menu.Item>
                  </Menu.Dropdown>
                </Menu>
              )
            }
          />
        )}
      </PagedListView>
      {dialog?.kind === 'create' && (
        <CreateSessionDialog draftKey={dialog.draftKey} onClose={close} onCreated={(session) => setShown(session.id)} />
      )}
      {dialog?.kind === 'edit' && <EditSessionDialog session={dialog.session} onClose={close} />}
      {dialog?.kind === 'edit-draft' && <EditDraftDialog sessionId={dialog.sessionId} draftKey={dialog.draftKey} onClose={close} />}
      {dialog?.kind === 'delete' && <DeleteSessionDialog session={dialog.session} onClose={close} />}
    </>
  );
}

/** A frame of the session's video, 16:9 at 80 px; decorative, as the title beside it names the session. */
function PosterThumbnail({ url }: { url: string | null }) {
  return (
    <Box w={80} miw={80} style={{ borderRadius: 'var(--mantine-radius-sm)', overflow: 'hidden' }} bg="gray.1">
      <AspectRatio ratio={16 / 9}>
        {url ? (
          <Image src={url} alt="" loading="lazy" fit="cover" />
        ) : (
          <Center aria-hidden>
            <IconVideo size={20} color="var(--mantine-color-gray-6)" />
          </Center>
        )}
      </AspectRatio>
    </Box>
  );
}

/** The edit form of a replacement video uploading in the background, once its session is loaded. */
function EditDraftDialog({ sessionId, draftKey, onClose }: { sessionId: string; draftKey: string; onClose: () => void }) {
  const session = useExpertSession(sessionId);
  useEffect(() => {
    if (!session.isError) return;
    notifyFailed('The session could not be opened', session.error);
    onClose();
  }, [session.isError, session.error, onClose]);
  return session.data ? <EditSessionDialog session={session.data} draftKey={draftKey} onClose={onClose} /> : null;
}

function StatusBadge({ session }: { session: ExpertSession }) {
  if (session.deleted_at)
    return (
      <Badge color="red" variant="light" tt="none">
        Deleted
      </Badge>
    );
  return session.is_active ? (
    <Badge color="green" variant="dot" tt="none">
      Active
    </Badge>
  ) : (
    <Badge color="gray" variant="dot" tt="none">
      Inactive
    </Badge>
  );
}

/** Totals over every session the filters match, counted by the server. */
function SessionStats({ summary }: { summary: SessionSummary }) {
  const stats = [
    { label: 'Sessions', value: summary.sessions },
    { label: 'Active', value: summary.active },
    { label: 'Students reached', value: summary.students_reached, hint: 'started at least one of these' },
    { label: 'Average completion', value: `${Math.round(summary.average_completion_percentage)}%`, hint: 'of what they started' },
  ];
  return (
    <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm" mb="lg">
      {stats.map((stat) => (
        <Paper key={stat.label} withBorder radius="md" p="md">
          <Text size="xs" c="dimmed" fw={600} tt="uppercase">
            {stat.label}
          </Text>
          <Text fz={26} fw={700} lh={1.3}>
            {stat.value}
          </Text>
          {stat.hint && (
            <Text size="xs" c="dimmed">
              {stat.hint}
            </Text>
          )}
        </Paper>
      ))}
    </SimpleGrid>
  );
}

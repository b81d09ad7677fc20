import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { FormDialog } from '../../../components/form-dialog.tsx';
import { FormError } from '../../../components/states.tsx';
import { ProductMultiSelect } from '../../../components/product-multi-select.tsx';
import { conflictOf, WorkletConflict } from '../../../components/worklet-conflict.tsx';
import { notifyDone } from '../../../lib/feedback.tsx';
import { isBlank, useForm } from '../../../lib/form.ts';
import { type Client, useCreateClient, useDeleteClient, useSetClientProducts, useUpdateClient } from '../api/clients.ts';

export type ClientDialog = { kind: 'create' } | { kind: 'rename' | 'products' | 'toggle-active' | 'delete'; client: Client };

/** The one dialog open on the clients page, if any. */
export function ClientDialogs({ dialog, onClose }: { dialog: ClientDialog | null; onClose: () => void }) {
  switch (dialog?.kind) {
    case 'create':
      return <ClientFormDialog onClose={onClose} />;
    case 'rename':
      return <ClientFormDialog client={dialog.client} onClose={onClose} />;
    case 'products':
      return <ClientProductsDialog client={dialog.client} onClose={onClose} />;
    case 'toggle-active':
      return <ToggleActiveDialog client={dialog.client} onClose={onClose} />;
    case 'delete':
      return dialog.client.student_count ? (
        <ClientHasStudentsDialog client={dialog.client} onClose={onClose} />
      ) : (
        <DeleteClientDialog client={dialog.client} onClose={onClose} />
      );
    default:
      return null;
  }
}

const requireName = (values: { name: string }) => ({ name: isBlank(values.name) ? 'Enter a name' : undefined });

/** Creates a client (with its first products) or renames one. */
function ClientFormDialog({ client, onClose }: { client?: Client; onClose: () => void }) {
  const create = useCreateClient();
  const update = useUpdateClient();
  const mutation = client ? update : create;
  const form = useForm({ name: client?.name ?? '', product_ids: [] as string[] }, requireName);
  const submit = form.onSubmit(({ name, product_ids }) => {
    const options = (done: string) => ({
      onSuccess: () => {
        notifyDone(done);
        onClose();
      },
      onError: form.showApiError,
    });
    if (client) update.mutate({ id: client.id, name: name.trim() }, options(`${client.name} renamed to ${name.trim()}`));
    else create.mutate({ name: name.trim(), product_ids }, options(`${name.trim()} created`));
  });
  return (
    <FormDialog
      title={client ? `Rename ${client.name}` : 'New client'}
      submitLabel={client ? 'Save' : 'Create client'}
      pending={mutation.isPending}
      error={mutation.error}
      onSubmit={submit}
      onClose={onClose}
    >
      <TextInput label="Name" required data-autofocus {...form.text('name')} />
      {!client && (
        <ProductMultiSelect
          description="Students of this client see what these products contain."
          value={form.values.product_ids}
          onChange={(ids) => form.setValue('product_ids', ids)}
          error={form.errors.product_ids}
        />
      )}
    </FormDialog>
  );
}

/**
 * The client's products. Removing one that its students have worklets of is answered with those
 * worklets: shown here, and made on a second Save, which takes those students off those teams.
 */
function ClientProductsDialog({ client, onClose }: { client: Client; onClose: () => void }) {
  const setProducts = useSetClientProducts();
  const conflict = conflictOf(setProducts.error, ['clients.products_in_use']);
  const form = useForm({ product_ids: client.products.map((product) => product.id) });
  const submit = form.onSubmit(({ product_ids }) =>
    setProducts.mutate(
      { id: client.id, productIds: product_ids, leaveWorklets: Boolean(conflict) },
      {
        onSuccess: () => {
          notifyDone(`Products of ${client.name} saved`);
          onClose();
        },
        onError: form.showApiError,
      },
    ),
  );
  return (
    <FormDialog
      title={`Products of ${client.name}`}
      submitLabel={conflict ? 'Save and take them off these teams' : 'Save products'}
      pending={setProducts.isPending}
      error={conflict ? null : setProducts.error}
      onSubmit={submit}
      onClose={onClose}
    >
      {conflict && (
        <WorkletConflict title={`Students of ${client.name} are on worklets of a programme you are removing`} worklets={conflict.worklets}>
          Save again to remove the programme and take these students off those teams; each worklet’s timeline records why.
        </WorkletConflict>
      )}
      <ProductMultiSelect
        description="Students of this client see what these products contain."
        value={form.values.product_ids}
        onChange={(ids) => {
          setProducts.reset();
          form.setValue('product_ids', ids);
        }}
        error={form.errors.product_ids}
      />
    </FormDialog>
  );
}

function ToggleActiveDialog({ client, onClose }: { client: Client; onClose: () => void }) {
  const update = useUpdateClient();
  const activate = !client.is_active;
  return (
    <ConfirmDialog
      opened
      title={activate ? `Activate ${client.name}?` : `Deactivate ${client.name}?`}
      confirmLabel={activate ? 'Activate' : 'Deactivate'}
      danger={!activate}
      pending={update.isPending}
      error={update.error}
      onConfirm={() =>
        update.mutate(
          { id: client.id, is_active: activate },
          {
            onSuccess: () => {
              notifyDone(`${client.name} ${activate ? 'activated' : 'deactivated'}`);
              onClose();
            },
          },
        )
      }
      onClose={onClose}
    >
      {activate
        ? `${client.name}’s students will see its programmes’ expert sessions and their worklets again, their progress as they left it.`
        : `${client.name}’s students will no longer see its programmes’ expert sessions or their worklets, nor count in their statistics. ` +
          'Their accounts, teams and progress are kept, and you can activate the client again at any time.'}
    </ConfirmDialog>
  );
}

function DeleteClientDialog({ client, onClose }: { client: Client; onClose: () => void }) {
  const remove = useDeleteClient();
  return (
    <ConfirmDialog
      opened
      title={`Delete ${client.name}?`}
      confirmLabel="Delete client"
      danger
      pending={false}
      error={null}
      onConfirm={() => {
        remove(client);
        onClose();
      }}
      onClose={onClose}
    >
      {client.name} and its product links will be deleted. You can undo this for a few seconds.
    </ConfirmDialog>
  );
}

/** A client with students cannot be deleted: no Delete button, but what can be done instead. */
function ClientHasStudentsDialog({ client, onClose }: { client: Client; onClose: () => void }) {
  const update = useUpdateClient();
  const students = `${client.student_count} student${client.student_count === 1 ? '' : 's'}`;
  return (
    <Modal opened onClose={onClose} title={`${client.name} cannot be deleted`} centered>
      <Stack>
        <Text size="sm">
          {client.name} still has {students}. Move them to another client on the Users page first
          {client.is_active
            ? ', or deactivate the client instead: its students lose access until it is activated again, and their accounts and progress are kept.'
            : '. The client is already inactive: its students have no access.'}
        </Text>
        <FormError error={update.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          {client.is_active && (
            <Button
              loading={update.isPending}
              onClick={() =>
                update.mutate(
                  { id: client.id, is_active: false },
                  {
                    onSuccess: () => {
                      notifyDone(`${client.name} deactivated`);
                      onClose();
                    },
                  },
                )
              }
            >
              Deactivate instead
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}

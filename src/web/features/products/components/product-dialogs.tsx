import { Select, Textarea, TextInput } from '@mantine/core';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { FormDialog } from '../../../components/form-dialog.tsx';
import type { ProductType } from '../../../lib/auth.ts';
import { notifyDone } from '../../../lib/feedback.tsx';
import { isBlank, useForm } from '../../../lib/form.ts';
import { productTypeLabel } from '../../../lib/labels.ts';
import { type Product, useCreateProduct, useDeleteProduct, useUpdateProduct } from '../api/products.ts';

const typeOptions = Object.entries(productTypeLabel).map(([value, label]) => ({ value, label }));

export function ProductFormDialog({ product, onClose }: { product?: Product; onClose: () => void }) {
  const create = useCreateProduct();
  const update = useUpdateProduct();
  const mutation = product ? update : create;
  const form = useForm(
    { name: product?.name ?? '', description: product?.description ?? '', type: product?.type ?? ('JOB_READINESS' as ProductType) },
    (values) => ({ name: isBlank(values.name) ? 'Enter a name' : undefined }),
  );
  const submit = form.onSubmit((values) => {
    const input = { name: values.name.trim(), description: values.description.trim() || null, type: values.type };
    const options = (done: string) => ({
      onSuccess: () => {
        notifyDone(done);
        onClose();
      },
      onError: form.showApiError,
    });
    if (product) update.mutate({ id: product.id, ...input }, options(`${input.name} saved`));
    else create.mutate(input, options(`${input.name} created`));
  });
  return (
    <FormDialog
      title={product ? `Edit ${product.name}` : 'New product'}
      submitLabel={product ? 'Save' : 'Create product'}
      pending={mutation.isPending}
      error={mutation.error}
      onSubmit={submit}
      onClose={onClose}
      size="lg"
    >
      <TextInput label="Name" required data-autofocus {...form.text('name')} />
      <Select
        label="Type"
        data={typeOptions}
        value={form.values.type}
        onChange={(type) => type && form.setValue('type', type as ProductType)}
        allowDeselect={false}
        error={form.errors.type}
      />
      <Textarea
        label="Description"
        description="Shown to students and programme teams."
        autosize
        minRows={3}
        maxRows={8}
        {...form.text('description')}
      />
    </FormDialog>
  );
}

export function DeleteProductDialog({ product, onClose }: { product: Product; onClose: () => void }) {
  const remove = useDeleteProduct();
  return (
    <ConfirmDialog
      opened
      title={`Delete ${product.name}?`}
      confirmLabel="Delete product"
      danger
      pending={false}
      error={null}
      onConfirm={() => {
        remove(product);
        onClose();
      }}
      onClose={onClose}
    >
      {product.name} will be removed from every client that has it. You can undo this for a few seconds.
    </ConfirmDialog>
  );
}

import { ActionIcon, Badge, Box, Button, Text, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { DataTable } from '../../../components/data-table.tsx';
import { IconPencil, IconPlus, IconTrash } from '../../../components/icons.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { useSearchField } from '../../../components/search-field.tsx';
import { PagedListView } from '../../../components/states.tsx';
import { useWaitingDeletes } from '../../../lib/feedback.tsx';
import { formatDate, productTypeLabel } from '../../../lib/labels.ts';
import { type Product, useProducts } from '../api/products.ts';
import { DeleteProductDialog, ProductFormDialog } from './product-dialogs.tsx';

type Dialog = { kind: 'create' } | { kind: 'edit' | 'delete'; product: Product };

export function ProductsPage() {
  const search = useSearchField('Search products');
  const list = useProducts(search.term);
  const waiting = useWaitingDeletes();
  const products = { ...list, items: list.items.filter((product) => !waiting.has(product.id)) };
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = () => setDialog(null);

  return (
    <>
      <PageHeader
        title="Products"
        description="The programmes sold to clients. A client's students see the content of its products."
        actions={
          <Button leftSection={<IconPlus />} onClick={() => setDialog({ kind: 'create' })}>
            New product
          </Button>
        }
      />
      <Box maw={360} mb="md">
        {search.field}
      </Box>
      <PagedListView
        list={products}
        noun="products"
        empty={
          search.term
            ? { title: 'No product matches this search', onClear: search.clear }
            : { title: 'No products yet', text: 'Create a product, then give it to clients.' }
        }
      >
        {(items) => (
          <DataTable
            label="Products"
            rows={items}
            rowKey={(product) => product.id}
            title={{
              header: 'Product',
              cell: (product) => (
                <>
                  <Text fw={600}>{product.name}</Text>
                  <Text size="sm" c="dimmed" lineClamp={2} maw={520}>
                    {product.description || 'No description'}
                  </Text>
                </>
              ),
            }}
            columns={[
              {
                header: 'Type',
                cell: (product) => (
                  <Badge variant="light" color="indigo" tt="none">
                    {productTypeLabel[product.type]}
                  </Badge>
                ),
              },
              { header: 'Updated', nowrap: true, cell: (product) => <Text size="sm">{formatDate(product.updated_at)}</Text> },
            ]}
            actions={(product) => (
              <>
                <Tooltip label="Edit">
                  <ActionIcon
                    variant="subtle"
                    size="lg"
                    aria-label={`Edit ${product.name}`}
                    onClick={() => setDialog({ kind: 'edit', product })}
                  >
                    <IconPencil />
                  </ActionIcon>
                </Tooltip>
                <Tooltip label="Delete">
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    size="lg"
                    aria-label={`Delete ${product.name}`}
                    onClick={() => setDialog({ kind: 'delete', product })}
                  >
                    <IconTrash />
                  </ActionIcon>
                </Tooltip>
              </>
            )}
          />
        )}
      </PagedListView>
      {dialog?.kind === 'create' && <ProductFormDialog onClose={close} />}
      {dialog?.kind === 'edit' && <ProductFormDialog product={dialog.product} onClose={close} />}
      {dialog?.kind === 'delete' && <DeleteProductDialog product={dialog.product} onClose={close} />}
    </>
  );
}

import { ActionIcon, Badge, Button, Group, Paper, Table, Text, TextInput, Tooltip, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { IconPencil, IconPlus, IconSearch, IconTrash } from '../../../components/icons.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { EmptyState, ErrorState, LoadingState, LoadMore } from '../../../components/states.tsx';
import { formatDate, productTypeLabel } from '../../../lib/labels.ts';
import { type Product, useProducts } from '../api/products.ts';
import { DeleteProductDialog, ProductFormDialog } from './product-dialogs.tsx';

type Dialog = { kind: 'create' } | { kind: 'edit' | 'delete'; product: Product };

export function ProductsPage() {
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const products = useProducts(debouncedSearch);
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
      <TextInput
        label="Search products"
        placeholder="Search by name"
        leftSection={<IconSearch />}
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        maw={360}
        mb="md"
      />
      {products.isPending ? (
        <LoadingState label="Loading products…" />
      ) : products.isError ? (
        <ErrorState error={products.error} onRetry={() => void products.refetch()} />
      ) : products.items.length === 0 ? (
        <EmptyState title={debouncedSearch ? 'No product matches this search' : 'No products yet'}>
          {!debouncedSearch && 'Create a product, then give it to clients.'}
        </EmptyState>
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Product</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Updated</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {products.items.map((product) => (
                  <Table.Tr key={product.id}>
                    <Table.Td maw={420}>
                      <Text fw={600}>{product.name}</Text>
                      <Text size="sm" c="dimmed" lineClamp={2}>
                        {product.description || 'No description'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color="indigo" tt="none">
                        {productTypeLabel[product.type]}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDate(product.updated_at)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        <Tooltip label="Edit">
                          <ActionIcon variant="subtle" aria-label={`Edit ${product.name}`} onClick={() => setDialog({ kind: 'edit', product })}>
                            <IconPencil />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label="Delete">
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={`Delete ${product.name}`}
                            onClick={() => setDialog({ kind: 'delete', product })}
                          >
                            <IconTrash />
                          </ActionIcon>
                        </Tooltip>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <LoadMore hasMore={products.hasNextPage} loading={products.isFetchingNextPage} onLoad={() => void products.fetchNextPage()} />
      {dialog?.kind === 'create' && <ProductFormDialog onClose={close} />}
      {dialog?.kind === 'edit' && <ProductFormDialog product={dialog.product} onClose={close} />}
      {dialog?.kind === 'delete' && <DeleteProductDialog product={dialog.product} onClose={close} />}
    </>
  );
}

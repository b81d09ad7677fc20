import { Anchor, Badge, Card, Group, SimpleGrid, Text, ThemeIcon } from '@mantine/core';
import { useId } from 'react';
import { Link, useNavigate } from 'react-router';
import type { Me } from '../lib/auth.ts';
import { productTypeLabel } from '../lib/labels.ts';
import { IconPackage } from './icons.tsx';

/**
 * One card per programme, each leading to the programme's own page (`linkTo`). The programme's name
 * is the link (so its accessible name is what it shows); a click anywhere on the card follows it too.
 */
export function ProductCards({ products, linkTo }: { products: Me['products']; linkTo: (productId: string) => string }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
      {products.map((product) => (
        <ProductCard key={product.id} product={product} to={linkTo(product.id)} />
      ))}
    </SimpleGrid>
  );
}

function ProductCard({ product, to }: { product: Me['products'][number]; to: string }) {
  const navigate = useNavigate();
  const titleId = useId();
  return (
    <Card
      withBorder
      radius="md"
      padding="lg"
      component="article"
      aria-labelledby={titleId}
      style={{ cursor: 'pointer' }}
      onClick={(event) => {
        // The link handles its own clicks (and modified ones: a new tab); the rest of the card follows it.
        if (!(event.target as HTMLElement).closest('a')) navigate(to);
      }}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap" mb="sm">
        <ThemeIcon variant="light" size={40} radius="md" aria-hidden>
          <IconPackage size={22} />
        </ThemeIcon>
        <Badge variant="light" color="indigo" tt="none">
          {productTypeLabel[product.type]}
        </Badge>
      </Group>
      <Text fw={700} fz="lg" component="h3" m={0} id={titleId}>
        <Anchor component={Link} to={to} inherit c="inherit">
          {product.name}
        </Anchor>
      </Text>
      <Text size="sm" c="dimmed" mt={4}>
        {product.description || 'Your programme team will add the details soon.'}
      </Text>
    </Card>
  );
}

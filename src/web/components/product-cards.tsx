import { Badge, Card, Group, SimpleGrid, Text, ThemeIcon } from '@mantine/core';
import { Link } from 'react-router';
import type { Me } from '../lib/auth.ts';
import { productTypeLabel } from '../lib/labels.ts';
import { IconPackage } from './icons.tsx';

/** One card per programme, each leading to the programme's own page (`linkTo`). */
export function ProductCards({ products, linkTo }: { products: Me['products']; linkTo: (productId: string) => string }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
      {products.map((product) => (
        <Card
          key={product.id}
          withBorder
          radius="md"
          padding="lg"
          component={Link}
          to={linkTo(product.id)}
          aria-label={`Open ${product.name}`}
        >
          <Group justify="space-between" align="flex-start" wrap="nowrap" mb="sm">
            <ThemeIcon variant="light" size={40} radius="md" aria-hidden>
              <IconPackage size={22} />
            </ThemeIcon>
            <Badge variant="light" color="indigo" tt="none">
              {productTypeLabel[product.type]}
            </Badge>
          </Group>
          <Text fw={700} fz="lg" component="h3" m={0}>
            {product.name}
          </Text>
          <Text size="sm" c="dimmed" mt={4}>
            {product.description || 'Your programme team will add the details soon.'}
          </Text>
        </Card>
      ))}
    </SimpleGrid>
  );
}

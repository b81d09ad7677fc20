import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <Center py={80} px="md">
      <Stack align="center" gap="sm" ta="center">
        <Text fz={48} fw={800} c="brand.7" lh={1}>
          404
        </Text>
        <Title order={1} fz={24}>
          This page does not exist
        </Title>
        <Text c="dimmed">The link may be old, or the page may have moved.</Text>
        <Button component={Link} to="/" mt="sm">
          Go to my home page
        </Button>
      </Stack>
    </Center>
  );
}

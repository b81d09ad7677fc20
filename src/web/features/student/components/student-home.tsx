import { Alert, Anchor, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { ProductCards } from '../../../components/product-cards.tsx';
import { EmptyState } from '../../../components/states.tsx';
import { WelcomeBanner } from '../../../components/welcome-banner.tsx';
import { useMe } from '../../../lib/auth.ts';

export function StudentHome() {
  const user = useMe().data;
  if (!user) return null;
  const firstName = user.name.split(' ')[0];
  return (
    <>
      <WelcomeBanner title={`Welcome, ${firstName}`}>
        {user.client ? `You are learning with ${user.client.name}. ` : ''}
        Everything you need to get job-ready, in one place.
      </WelcomeBanner>
      <Title order={2} fz="xl" mb="md">
        Your programmes
      </Title>
      {user.products.length ? (
        <ProductCards products={user.products} linkTo={(id) => `/learn/programmes/${id}`} />
      ) : (
        <EmptyState title="No programmes yet">
          {user.client?.name ?? 'Your organisation'} has not been given a programme yet. Your programme team will let you know.
        </EmptyState>
      )}
      <Alert variant="light" color="brand" mt="xl" title="Where to next">
        <Text size="sm">
          Recorded talks from recruiters and hiring managers are under{' '}
          <Anchor component={Link} to="/learn/expert-sessions">
            Expert sessions
          </Anchor>
          . Your worklets and their mentors are under{' '}
          <Anchor component={Link} to="/learn/worklets">
            My worklets
          </Anchor>
          .
        </Text>
      </Alert>
    </>
  );
}

import { Alert, Anchor, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { ProductCards } from '../../../components/product-cards.tsx';
import { EmptyState } from '../../../components/states.tsx';
import { WelcomeBanner } from '../../../components/welcome-banner.tsx';
import { useMe } from '../../../lib/auth.ts';

export function MentorHome() {
  const user = useMe().data;
  if (!user) return null;
  const firstName = user.name.split(' ')[0];
  return (
    <>
      <WelcomeBanner title={`Welcome, ${firstName}`}>
        Thank you for mentoring. Your worklets, co-mentors and students gather here.
      </WelcomeBanner>
      <Title order={2} fz="xl" mb="md">
        Programmes you mentor in
      </Title>
      {user.products.length ? (
        <ProductCards products={user.products} linkTo={(id) => `/mentor/programmes/${id}`} />
      ) : (
        <EmptyState title="No worklets assigned yet">
          When the programme team assigns you to a worklet, its programme shows up here.
        </EmptyState>
      )}
      <Alert variant="light" color="brand" mt="xl" title="Your worklets">
        <Text size="sm">
          Your role on each worklet, your co-mentors and their students are under{' '}
          <Anchor component={Link} to="/mentor/worklets">
            My worklets
          </Anchor>
          .
        </Text>
      </Alert>
    </>
  );
}

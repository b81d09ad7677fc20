import { Center, Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { createBrowserRouter, Navigate, useLocation } from 'react-router';
import { ErrorState, LoadingState } from '../components/states.tsx';
import { ForgotPasswordPage, ResetPasswordPage } from '../features/auth/components/password-reset-pages.tsx';
import { SignInPage } from '../features/auth/components/sign-in-page.tsx';
import { ClientsPage } from '../features/clients/components/clients-page.tsx';
import { ExpertSessionsPage } from '../features/expert-sessions/components/expert-sessions-page.tsx';
import { StudentHome } from '../features/student/components/student-home.tsx';
import { SessionPlayerPage } from '../features/student-sessions/components/session-player-page.tsx';
import { StudentProgrammePage, StudentSessionsPage } from '../features/student-sessions/components/student-sessions-page.tsx';
import { MentorHome } from '../features/mentor/components/mentor-home.tsx';
import { PasswordChangeRequiredPage } from '../features/profile/components/password-change-required-page.tsx';
import { ProfilePage } from '../features/profile/components/profile-page.tsx';
import { ProductsPage } from '../features/products/components/products-page.tsx';
import { MentorProgrammePage } from '../features/progress-insight/components/mentor-programme-page.tsx';
import { SessionProgressPage } from '../features/progress-insight/components/session-progress-page.tsx';
import { StudentProgressPage } from '../features/progress-insight/components/student-progress-page.tsx';
import { WorkletProgressPage } from '../features/progress-insight/components/worklet-progress-page.tsx';
import { UsersPage } from '../features/users/components/users-page.tsx';
import { MentorWorkletsPage, StudentWorkletsPage } from '../features/worklets/components/my-worklets.tsx';
import { WorkletsPage } from '../features/worklets/components/worklets-page.tsx';
import { type Area, areaHome, areaOf, type Me, type Role, useMe } from '../lib/auth.ts';
import { AppLayout } from './layout/app-layout.tsx';
import { NotFoundPage } from './not-found-page.tsx';

// The report brings the charts library: loaded when the report is first opened, not with the app.
const ProgrammeReportPage = lazy(() =>
  import('../features/progress-insight/components/programme-report-page.tsx').then((module) => ({ default: module.ProgrammeReportPage })),
);

/**
 * Renders `children(user)` for a signed-in user; otherwise the loader, the error or the sign-in page,
 * or, while the user must choose a new password, the page for that whatever the address.
 */
function WithUser({ children }: { children: (user: Me) => React.ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) {
    return (
      <Center h="100dvh" role="status" aria-label="Loading">
        <Loader />
      </Center>
    );
  }
  if (me.isError) {
    return (
      <Center h="100dvh" p="md">
        <ErrorState error={me.error} onRetry={() => void me.refetch()} title="JobReady could not start" />
      </Center>
    );
  }
  if (!me.data) {
    const next = location.pathname === '/' ? '' : `?next=${encodeURIComponent(location.pathname + location.search)}`;
    return <Navigate to={`/sign-in${next}`} replace />;
  }
  if (me.data.password_change_reason) return <PasswordChangeRequiredPage user={me.data} />;
  return children(me.data);
}

/** An area of the app for the roles that work in it; anyone else is sent to their own area. */
function AreaRoute({ area }: { area: Area }) {
  return (
    <WithUser>
      {(user) =>
        areaOf(user.role) === area ? <AppLayout area={area} user={user} /> : <Navigate to={areaHome[areaOf(user.role)]} replace />
      }
    </WithUser>
  );
}

function RoleOnly({ roles, children }: { roles: Role[]; children: React.ReactNode }) {
  return <WithUser>{(user) => (roles.includes(user.role) ? children : <Navigate to={areaHome[areaOf(user.role)]} replace />)}</WithUser>;
}

export const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage /> },
  { path: '/forgot-password', element: <ForgotPasswordPage /> },
  { path: '/reset-password', element: <ResetPasswordPage /> },
  { path: '/', element: <WithUser>{(user) => <Navigate to={areaHome[areaOf(user.role)]} replace />}</WithUser> },
  // Every role's own account, in the layout of their area.
  {
    path: '/profile',
    element: <WithUser>{(user) => <AppLayout area={areaOf(user.role)} user={user} />}</WithUser>,
    children: [{ index: true, element: <ProfilePage /> }],
  },
  {
    path: '/admin',
    element: <AreaRoute area="admin" />,
    children: [
      { index: true, element: <Navigate to="/admin/clients" replace /> },
      { path: 'clients', element: <ClientsPage /> },
      { path: 'products', element: <ProductsPage /> },
      { path: 'expert-sessions', element: <ExpertSessionsPage /> },
      { path: 'expert-sessions/:id/progress', element: <SessionProgressPage /> },
      { path: 'worklets', element: <WorkletsPage /> },
      { path: 'worklets/:id/progress', element: <WorkletProgressPage area="admin" /> },
      { path: 'students/:id', element: <StudentProgressPage /> },
      {
        path: 'reports',
        element: (
          <Suspense fallback={<LoadingState label="Loading the report…" />}>
            <ProgrammeReportPage />
          </Suspense>
        ),
      },
      {
        path: 'users',
        element: (
          <RoleOnly roles={['admin']}>
            <UsersPage />
          </RoleOnly>
        ),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
  {
    path: '/learn',
    element: <AreaRoute area="student" />,
    children: [
      { index: true, element: <StudentHome /> },
      { path: 'expert-sessions', element: <StudentSessionsPage /> },
      { path: 'expert-sessions/:id', element: <SessionPlayerPage /> },
      { path: 'programmes/:productId', element: <StudentProgrammePage /> },
      { path: 'worklets', element: <StudentWorkletsPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
  {
    path: '/mentor',
    element: <AreaRoute area="mentor" />,
    children: [
      { index: true, element: <MentorHome /> },
      { path: 'worklets', element: <MentorWorkletsPage /> },
      { path: 'worklets/:id/progress', element: <WorkletProgressPage area="mentor" /> },
      { path: 'programmes/:productId', element: <MentorProgrammePage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
  { path: '*', element: <NotFoundPage /> },
]);

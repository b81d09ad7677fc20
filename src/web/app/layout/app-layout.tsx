import {
  AppShell,
  Avatar,
  Badge,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ComponentType } from 'react';
import { NavLink as RouterNavLink, Outlet, useNavigate } from 'react-router';
import {
  IconBriefcase,
  IconBuilding,
  IconChart,
  IconCompass,
  IconHome,
  IconLogout,
  IconPackage,
  IconUser,
  IconUsers,
  IconVideo,
} from '../../components/icons.tsx';
import { type Area, areaHome, type Me, type Role, useSignOut } from '../../lib/auth.ts';
import { Logo } from '../../components/logo.tsx';
import { PortalRoot } from '../../components/portal-root.tsx';
import { SkipLink } from '../../components/skip-link.tsx';
import { roleLabel } from '../../lib/labels.ts';
import { UploadsTray } from '../../features/expert-sessions/components/uploads-tray.tsx';

type NavItem = { to: string; label: string; icon: ComponentType; roles?: Role[] };

const navigation: Record<Area, NavItem[]> = {
  admin: [
    { to: '/admin/clients', label: 'Clients', icon: IconBuilding },
    { to: '/admin/products', label: 'Products', icon: IconPackage },
    { to: '/admin/expert-sessions', label: 'Expert sessions', icon: IconVideo },
    { to: '/admin/worklets', label: 'Worklets', icon: IconBriefcase },
    { to: '/admin/reports', label: 'Progress report', icon: IconChart },
    { to: '/admin/users', label: 'Users', icon: IconUsers, roles: ['admin'] },
  ],
  student: [
    { to: '/learn', label: 'Home', icon: IconHome },
    { to: '/learn/expert-sessions', label: 'Expert sessions', icon: IconVideo },
    { to: '/learn/worklets', label: 'My worklets', icon: IconBriefcase },
  ],
  mentor: [
    { to: '/mentor', label: 'Home', icon: IconCompass },
    { to: '/mentor/worklets', label: 'My worklets', icon: IconBriefcase },
  ],
};

const areaLabel: Record<Area, string> = { admin: 'Programme admin', student: 'Student', mentor: 'Mentor' };

const initials = (name: string) =>
  name
    .split(/\s+/)
    .map((part) => part[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();

export function AppLayout({ area, user }: { area: Area; user: Me }) {
  const [navOpen, nav] = useDisclosure(false);
  const items = navigation[area].filter((item) => !item.roles || item.roles.includes(user.role));

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !navOpen } }}
      padding={{ base: 'md', sm: 'xl' }}
      bg="var(--mantine-color-gray-0)"
    >
      <SkipLink targetId="main-content" />
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navOpen}
              onClick={nav.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={navOpen ? 'Close navigation' : 'Open navigation'}
            />
            <Logo />
            <Badge variant="light" color="gray" visibleFrom="xs">
              {areaLabel[area]}
            </Badge>
          </Group>
          <UserMenu user={user} />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main navigation">
        <AppShell.Section grow component={ScrollArea}>
          <Stack gap={4}>
            {items.map((item) => (
              <NavLink
                key={item.to}
                component={RouterNavLink}
                to={item.to}
                // An area's home (/learn, /mentor) is the parent of its other pages: lit only on itself.
                end={item.to === areaHome[area]}
                label={item.label}
                leftSection={<item.icon />}
                onClick={nav.close}
                fw={500}
                style={{ borderRadius: 'var(--mantine-radius-md)' }}
              />
            ))}
          </Stack>
        </AppShell.Section>
        <AppShell.Section>
          <Text size="xs" c="dimmed" px="sm">
            Signed in as {user.email}
          </Text>
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main id="main-content" tabIndex={-1} style={{ outline: 'none' }}>
        <Outlet />
        <PortalRoot />
      </AppShell.Main>
      {area === 'admin' && <UploadsTray />}
    </AppShell>
  );
}

function UserMenu({ user }: { user: Me }) {
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <Menu position="bottom-end" width={220} shadow="md">
      <Menu.Target>
        {/* Named by what it shows (no aria-label that would differ from it, WCAG 2.5.3): the initials are a picture. */}
        <UnstyledButton style={{ borderRadius: 'var(--mantine-radius-xl)' }}>
          <Group gap="xs" wrap="nowrap">
            <Avatar color="brand" radius="xl" size="md" aria-hidden>
              {initials(user.name)}
            </Avatar>
            <VisuallyHidden>{'Account: '}</VisuallyHidden>
            <VisuallyHidden hiddenFrom="sm">{user.name}</VisuallyHidden>
            <Stack gap={0} visibleFrom="sm">
              <Text size="sm" fw={600} lh={1.2}>
                {user.name}
              </Text>
              <Text size="xs" c="dimmed" lh={1.2}>
                {roleLabel[user.role]}
              </Text>
            </Stack>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{user.email}</Menu.Label>
        <Menu.Item leftSection={<IconUser />} onClick={() => navigate('/profile')}>
          Your profile
        </Menu.Item>
        <Menu.Item
          leftSection={<IconLogout />}
          onClick={() => signOut.mutate(undefined, { onSuccess: () => navigate('/sign-in', { replace: true }) })}
        >
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

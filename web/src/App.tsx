import { Suspense, lazy, useEffect, type ReactNode } from 'react';
import { Link, match, navigate, useLocation } from './router';
import { useSession } from './session';
import { can } from './types';
import { Loading } from './components/ui';
import { SignInPage } from './pages/SignInPage';
import { InvitePage } from './pages/InvitePage';
import { AlertsPage } from './pages/AlertsPage';

// Pages other than the alerts list load on demand, so the first load stays small.
const AlertPage = lazy(() => import('./pages/AlertPage'));
const OverviewPage = lazy(() => import('./pages/OverviewPage'));
const DestinationsPage = lazy(() => import('./pages/DestinationsPage'));
const DestinationWizard = lazy(() => import('./pages/DestinationWizard'));
const UsersPage = lazy(() => import('./pages/UsersPage'));

export function App() {
  const { path } = useLocation();
  const { user, loading, signOut } = useSession();

  useEffect(() => {
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);

  const invite = match('/invite/:token', path);
  if (invite) return <Shell nav={null}><InvitePage token={invite.token!} /></Shell>;
  if (loading) return <Shell nav={null}><Loading /></Shell>;
  if (!user) return <Shell nav={null}><SignInPage /></Shell>;

  const isAdmin = can(user.role, 'destinations:write');
  let page: ReactNode;
  let m: Record<string, string> | null;
  if (path === '/' || path === '/overview') page = <OverviewPage />;
  else if (path === '/alerts') page = <AlertsPage />;
  else if ((m = match('/alerts/:id', path))) page = <AlertPage id={m.id!} />;
  else if (path === '/destinations') page = <DestinationsPage />;
  else if (path === '/destinations/new' && isAdmin) page = <DestinationWizard />;
  else if ((m = match('/destinations/:id/edit', path)) && isAdmin) page = <DestinationWizard id={m.id!} />;
  else if (path === '/users' && can(user.role, 'users:write')) page = <UsersPage />;
  else page = <NotFound />;

  const nav = (
    <nav aria-label="Main">
      <ul>
        <NavItem to="/" label="Overview" active={path === '/' || path === '/overview'} />
        <NavItem to="/alerts" label="Alerts" active={path.startsWith('/alerts')} />
        <NavItem to="/destinations" label="Destinations" active={path.startsWith('/destinations')} />
        {can(user.role, 'users:write') ? <NavItem to="/users" label="Users" active={path.startsWith('/users')} /> : null}
      </ul>
      <div className="who">
        <span>
          {user.name} <span className="muted">({user.role})</span>
        </span>
        <button
          type="button"
          className="link-button"
          onClick={() => {
            void signOut().then(() => navigate('/'));
          }}
        >
          Sign out
        </button>
      </div>
    </nav>
  );
  return (
    <Shell nav={nav}>
      <Suspense fallback={<Loading />}>{page}</Suspense>
    </Shell>
  );
}

function NavItem({ to, label, active }: { to: string; label: string; active: boolean }) {
  return (
    <li>
      <Link to={to} aria-current={active ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );
}

function Shell({ nav, children }: { nav: ReactNode; children: ReactNode }) {
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          alertsync
        </Link>
        {nav}
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>
        This page does not exist or your role may not open it. <Link to="/alerts">Go to the alerts</Link>.
      </p>
    </>
  );
}

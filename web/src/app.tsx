import { lazy, Suspense } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { Layout } from './components/layout.tsx';
import { Dossiers } from './routes/dossiers.tsx';
import { NotFound } from './routes/not-found.tsx';
import { SignIn } from './routes/sign-in.tsx';

// The screens with forms carry the API's zod schemas: loaded when first opened, not with the list.
const Dossier = lazy(() => import('./routes/dossier.tsx').then((m) => ({ default: m.Dossier })));
const NewRequest = lazy(() => import('./routes/new-request.tsx').then((m) => ({ default: m.NewRequest })));
const Administration = lazy(() =>
  import('./routes/administration.tsx').then((m) => ({ default: m.Administration })),
);
const loading = <p role="status">Chargement…</p>;

/** The console's screens, at the addresses the mails link to (`/dossiers/{caseId}`). */
export const router = createBrowserRouter([
  { path: '/connexion', element: <SignIn /> },
  {
    element: <Layout />,
    children: [
      { path: '/', element: <Navigate to="/dossiers" replace /> },
      { path: '/dossiers', element: <Dossiers /> },
      {
        path: '/dossiers/:caseId',
        element: (
          <Suspense fallback={loading}>
            <Dossier />
          </Suspense>
        ),
      },
      {
        path: '/nouvelle-demande',
        element: (
          <Suspense fallback={loading}>
            <NewRequest />
          </Suspense>
        ),
      },
      {
        path: '/administration',
        element: (
          <Suspense fallback={loading}>
            <Administration />
          </Suspense>
        ),
      },
      { path: '*', element: <NotFound /> },
    ],
  },
]);

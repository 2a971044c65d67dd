/**
 * The studio's routes. Protected routes restore the session from the refresh cookie first (the
 * access token is only in memory, so a reload needs it) and otherwise send the user to sign in
 * with a `redirect` back to where they were. The studio is in the main bundle; other views load
 * on demand.
 */
import { createRouter, type RouteLocationRaw, type Router, type RouterHistory } from 'vue-router';
import { useAuthStore } from '../stores/auth.ts';
import StudioView from '../ui/views/StudioView.vue';

declare module 'vue-router' {
  interface RouteMeta {
    requiresAuth?: boolean;
    guestOnly?: boolean;
    title?: string;
  }
}

export function createAppRouter(history: RouterHistory): Router {
  const router = createRouter({
    history,
    routes: [
      { path: '/', redirect: '/studio' },
      { path: '/login', component: () => import('../ui/views/AuthView.vue'), props: { mode: 'login' }, meta: { guestOnly: true, title: 'Sign in' } },
      { path: '/register', component: () => import('../ui/views/AuthView.vue'), props: { mode: 'register' }, meta: { guestOnly: true, title: 'Create account' } },
      { path: '/studio', component: StudioView, meta: { requiresAuth: true, title: 'Studio' } },
      { path: '/destinations', component: () => import('../ui/views/DestinationsView.vue'), meta: { requiresAuth: true, title: 'Destinations' } },
      { path: '/history', component: () => import('../ui/views/HistoryView.vue'), meta: { requiresAuth: true, title: 'History' } },
      { path: '/history/:id', component: () => import('../ui/views/SessionDetailView.vue'), props: true, meta: { requiresAuth: true, title: 'Session' } },
      { path: '/profile', component: () => import('../ui/views/ProfileView.vue'), meta: { requiresAuth: true, title: 'Profile' } },
      { path: '/:pathMatch(.*)*', redirect: '/studio' },
    ],
  });

  router.beforeEach(async (to): Promise<true | RouteLocationRaw> => {
    const auth = useAuthStore();
    if (!auth.signedIn && !auth.checked) await auth.restore();
    if (to.meta.requiresAuth === true && !auth.signedIn) return { path: '/login', query: { redirect: to.fullPath } };
    if (to.meta.guestOnly === true && auth.signedIn) return { path: '/studio' };
    return true;
  });

  router.afterEach((to) => {
    document.title = to.meta.title === undefined ? 'StreamHub Pro' : `${to.meta.title} · StreamHub Pro`;
  });

  return router;
}

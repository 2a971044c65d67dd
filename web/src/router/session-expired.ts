/** When a refresh fails the session is over: forget it, and sign in again coming back to the same page. */
import type { Router } from 'vue-router';

export function onSessionExpired(router: Router, forget: () => void): void {
  forget();
  const here = router.currentRoute.value;
  if (here.meta.requiresAuth === true) void router.push({ path: '/login', query: { redirect: here.fullPath } });
}

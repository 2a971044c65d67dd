/** Who is signed in, with which plan; sign up, in and out; restoring the session from the refresh cookie. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Plan } from '@streamhub/shared/plans';
import { useEndpoints } from '../api/provide.ts';
import type { User } from '../api/types.ts';
import type { Credentials } from '../api/endpoints.ts';

export const useAuthStore = defineStore('auth', () => {
  const api = useEndpoints();
  const user = ref<User | null>(null);
  /** True once we know whether a session exists (after the first restore attempt). */
  const checked = ref(false);
  const plan = computed<Plan>(() => user.value?.plan ?? 'free');
  const signedIn = computed(() => user.value !== null);

  async function login(credentials: Credentials): Promise<void> {
    const result = await api.login(credentials);
    api.client.setAccessToken(result.accessToken);
    user.value = result.user;
    checked.value = true;
  }

  async function register(credentials: Credentials): Promise<void> {
    await api.register(credentials);
    await login(credentials);
  }

  /** Restores a session after a reload: the access token is only in memory, the cookie survives. */
  async function restore(): Promise<boolean> {
    if (user.value !== null) return true;
    try {
      if (!(await api.client.refresh())) return false;
      user.value = await api.profile();
      return true;
    } catch {
      return false;
    } finally {
      checked.value = true;
    }
  }

  async function logout(): Promise<void> {
    try {
      await api.logout();
    } finally {
      forget();
    }
  }

  /** Drops local state (after logout, or when the refresh token is no longer valid). */
  function forget(): void {
    api.client.setAccessToken(null);
    user.value = null;
  }

  async function reloadProfile(): Promise<void> {
    user.value = await api.profile();
  }

  return { user, checked, plan, signedIn, login, register, restore, logout, forget, reloadProfile };
});

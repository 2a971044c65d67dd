/** Past stream sessions (history page). */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useEndpoints } from '../api/provide.ts';
import type { PastSession } from '../api/types.ts';

export const useSessionsStore = defineStore('sessions', () => {
  const api = useEndpoints();
  const items = ref<PastSession[]>([]);
  const loading = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      items.value = (await api.pastSessions()).sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    } finally {
      loading.value = false;
    }
  }

  return { items, loading, load };
});

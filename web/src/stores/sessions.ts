/** Past stream sessions (history page) and one session's details. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useEndpoints } from '../api/provide.ts';
import type { PastSession, PastSessionDetail } from '../api/types.ts';

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

  /** One session with its stats history (the details page); null until loaded. */
  const detail = ref<PastSessionDetail | null>(null);

  async function loadDetail(id: string): Promise<void> {
    detail.value = null;
    loading.value = true;
    try {
      detail.value = await api.sessionDetail(id);
    } finally {
      loading.value = false;
    }
  }

  return { items, loading, load, detail, loadDetail };
});

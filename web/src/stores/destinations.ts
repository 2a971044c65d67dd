/** The user's destinations (masked keys only) and which of them go live in this show. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { planLimits } from '@streamhub/shared/plans';
import { useEndpoints } from '../api/provide.ts';
import type { Destination, DestinationInput, DestinationPatch } from '../api/types.ts';
import { useAuthStore } from './auth.ts';

export const useDestinationsStore = defineStore('destinations', () => {
  const api = useEndpoints();
  const auth = useAuthStore();
  const items = ref<Destination[]>([]);
  const loading = ref(false);
  const loaded = ref(false);

  const enabled = computed(() => items.value.filter((d) => d.enabled));
  const limit = computed(() => planLimits[auth.plan].maxSimultaneousDestinations);
  /** The plan limit bites: more destinations are enabled than the plan streams to at once. */
  const overLimit = computed(() => enabled.value.length > limit.value);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      items.value = await api.listDestinations();
      loaded.value = true;
    } finally {
      loading.value = false;
    }
  }

  async function create(input: DestinationInput): Promise<Destination> {
    const created = await api.createDestination(input);
    items.value = [...items.value, created];
    return created;
  }

  async function update(id: string, patch: DestinationPatch): Promise<Destination> {
    const updated = await api.updateDestination(id, patch);
    items.value = items.value.map((d) => (d.id === id ? updated : d));
    return updated;
  }

  async function remove(id: string): Promise<void> {
    await api.deleteDestination(id);
    items.value = items.value.filter((d) => d.id !== id);
  }

  const setEnabled = (id: string, on: boolean): Promise<Destination> => update(id, { enabled: on });

  return { items, loading, loaded, enabled, limit, overLimit, load, create, update, remove, setEnabled };
});

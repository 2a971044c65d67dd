/** Mounts studio components the way main.ts wires them, with a fake API and a fake engine. */
import { mount, flushPromises, type VueWrapper } from '@vue/test-utils';
import { createPinia, type Pinia } from 'pinia';
import { createApp, type App, type Component } from 'vue';
import { createMemoryHistory, type Router } from 'vue-router';
import { ApiClient } from '../../api/http.ts';
import { createEndpoints, type Endpoints } from '../../api/endpoints.ts';
import { provideEndpoints } from '../../api/provide.ts';
import { provideEngine, type EngineFactory } from '../../engine-provider.ts';
import { createAppRouter } from '../../router/index.ts';
import { onSessionExpired } from '../../router/session-expired.ts';
import { useAuthStore } from '../../stores/auth.ts';
import { FakeApi } from './fake-api.ts';
import { FakeEngine } from './fake-engine.ts';

/** Lets pending fetches, Response.json() and re-renders finish (they span several tasks). */
export async function settle(rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await flushPromises();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

export interface Harness {
  readonly api: FakeApi;
  readonly engine: FakeEngine;
  readonly pinia: Pinia;
  readonly router: Router;
  readonly endpoints: Endpoints;
  readonly expired: { count: number };
  mount(component: Component, props?: Record<string, unknown>): Promise<VueWrapper>;
  /** Runs store code inside an app context (setup stores inject the API). */
  inApp<T>(fn: () => T): T;
  unmountAll(): void;
}

export async function createHarness(options: { signedIn?: boolean; route?: string; engine?: EngineFactory } = {}): Promise<Harness> {
  const api = new FakeApi();
  const engine = new FakeEngine();
  const expired = { count: 0 };
  const pinia = createPinia();
  const router = createAppRouter(createMemoryHistory());
  const endpoints = createEndpoints(new ApiClient({
    fetch: api.fetch,
    createXhr: api.media.createXhr,
    onSessionExpired: () => {
      expired.count++;
      onSessionExpired(router, () => useAuthStore(pinia).forget());
    },
  }));
  const plugin = {
    install(app: App): void {
      provideEndpoints(app, endpoints);
      provideEngine(app, options.engine ?? (() => engine));
    },
  };
  // A host app so stores can be used before (or without) mounting a component.
  const host = createApp({ render: () => null });
  host.use(plugin).use(pinia);
  const mounted: { unmount(): void }[] = [];

  if (options.signedIn !== false) {
    api.signIn();
    endpoints.client.setAccessToken(api.accessToken);
  }
  if (options.route !== undefined) {
    await router.push(options.route);
    await router.isReady();
  }

  return {
    api, engine, pinia, router, endpoints, expired,
    async mount(component, props) {
      const wrapper = mount(component, { props, attachTo: document.body, global: { plugins: [plugin, pinia, router] } });
      mounted.push(wrapper);
      await settle();
      return wrapper;
    },
    inApp: (fn) => host.runWithContext(fn),
    unmountAll() {
      for (const w of mounted.splice(0)) w.unmount();
      document.body.innerHTML = '';
    },
  };
}

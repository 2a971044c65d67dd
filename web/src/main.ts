import { createApp } from 'vue';
import { createPinia } from 'pinia';
import { createWebHistory } from 'vue-router';
import App from './App.vue';
import { ApiClient } from './api/http.ts';
import { createEndpoints } from './api/endpoints.ts';
import { provideEndpoints } from './api/provide.ts';
import { provideEngine } from './engine-provider.ts';
import { createAppRouter } from './router/index.ts';
import { onSessionExpired } from './router/session-expired.ts';
import { useAuthStore } from './stores/auth.ts';
import './styles/main.css';

const app = createApp(App);
const pinia = createPinia();
const router = createAppRouter(createWebHistory());

const client = new ApiClient({
  onSessionExpired: () => onSessionExpired(router, () => app.runWithContext(() => useAuthStore()).forget()),
});
provideEndpoints(app, createEndpoints(client));
// The engine (issue 6) loads with the studio, not with the sign-in page: a chunk of its own.
provideEngine(app, async () => (await import('./pipeline/engine.ts')).createStudioEngine());

app.use(pinia).use(router).mount('#app');

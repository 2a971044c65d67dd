/** Hands the API endpoints to stores and components through Vue's provide/inject (no module singleton). */
import { inject, type App, type InjectionKey } from 'vue';
import type { Endpoints } from './endpoints.ts';

export const endpointsKey: InjectionKey<Endpoints> = Symbol('streamhub-api');

export function provideEndpoints(app: App, endpoints: Endpoints): void {
  app.provide(endpointsKey, endpoints);
}

/** The API, from inside a component or setup store. */
export function useEndpoints(): Endpoints {
  const endpoints = inject(endpointsKey);
  if (endpoints === undefined) throw new Error('API endpoints were not provided (provideEndpoints in main.ts).');
  return endpoints;
}

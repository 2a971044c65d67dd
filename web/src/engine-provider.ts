/**
 * The one place where the studio gets its engine. The UI only knows the `StudioEngine` facade; the
 * lead plugs the real implementation in main.ts with one line:
 *   provideEngine(app, () => createStudioEngine());
 * Tests provide a fake the same way.
 */
import { inject, markRaw, type App, type InjectionKey } from 'vue';
import type { StudioEngine } from './pipeline/studio-engine.ts';

export type EngineFactory = () => StudioEngine | Promise<StudioEngine>;

export const engineFactoryKey: InjectionKey<EngineFactory> = Symbol('streamhub-engine');

export function provideEngine(app: App, factory: EngineFactory): void {
  app.provide(engineFactoryKey, factory);
}

/** Creates an engine, held raw: it owns workers and media objects, which must stay out of reactivity. */
export async function createEngine(factory: EngineFactory | undefined): Promise<StudioEngine | null> {
  if (factory === undefined) return null;
  return markRaw(await factory());
}

export function useEngineFactory(): EngineFactory | undefined {
  return inject(engineFactoryKey, undefined);
}

// The fixture model server for a whole test file: started before its tests, reset after each one,
// closed at the end. The returned object stands for the server once it is up.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openai-server';

export function useFakeOpenAI(): FakeOpenAI {
  let server: FakeOpenAI | null = null;
  beforeAll(async () => {
    server = await startFakeOpenAI();
  });
  afterEach(() => server?.reset());
  afterAll(async () => {
    await server?.close();
  });
  return new Proxy({} as FakeOpenAI, {
    get(_target, key) {
      if (!server) throw new Error('The fixture model server is used before beforeAll started it.');
      const value: unknown = Reflect.get(server, key);
      return typeof value === 'function' ? value.bind(server) : value;
    },
  });
}

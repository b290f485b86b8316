import { DurableObject } from 'cloudflare:workers';

/** The bare Durable Object round trip `npm run bench:marketplace` compares the cart to. */
export class Counter extends DurableObject {
  async bump(): Promise<number> {
    const value = ((await this.ctx.storage.get<number>('n')) ?? 0) + 1;
    await this.ctx.storage.put('n', value);
    return value;
  }

  async read(): Promise<number> {
    return (await this.ctx.storage.get<number>('n')) ?? 0;
  }
}

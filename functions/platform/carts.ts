import type { Cart } from '../../durable-objects/cart';

/** The typed face of the Cart objects: one per signed-in user, one per anonymous visitor. */
export interface Carts {
  /** The cart of a signed-in user. */
  forUser(userId: string): DurableObjectStub<Cart>;
  /** The cart of an anonymous visitor, named by the random id in their cart cookie. */
  forVisitor(visitorId: string): DurableObjectStub<Cart>;
}

/**
 * Objects are named `user:<id>` and `anon:<id>`: the prefixes keep a visitor id from ever
 * naming a user's cart. Routes never build object ids themselves.
 */
export function createCarts(namespace: DurableObjectNamespace<Cart>): Carts {
  return {
    forUser: (userId) => namespace.get(namespace.idFromName(`user:${userId}`)),
    forVisitor: (visitorId) => namespace.get(namespace.idFromName(`anon:${visitorId}`)),
  };
}

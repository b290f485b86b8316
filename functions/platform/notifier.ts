import type { NotificationEvent, NotificationRoom } from '../../durable-objects/notification-room';

/** The typed face of the per-user NotificationRoom objects. */
export interface Notifier {
  /** Delivers an event to the user's open sockets; resolves to how many received it. */
  publish(userId: string, event: NotificationEvent): Promise<number>;
  /** Hands a WebSocket upgrade request to the user's room. */
  connect(userId: string, request: Request): Promise<Response>;
}

/** Builds the notifier over the NOTIFICATION_ROOM namespace: one object per user. */
export function createNotifier(namespace: DurableObjectNamespace<NotificationRoom>): Notifier {
  const stubFor = (userId: string) => namespace.get(namespace.idFromName(`user:${userId}`));
  return {
    publish: (userId, event) => stubFor(userId).publish(event),
    connect: (userId, request) => stubFor(userId).fetch(request),
  };
}

import { DurableObject } from 'cloudflare:workers';

/** A message pushed to every open socket of one user. */
export interface NotificationEvent {
  type: string;
  data?: Record<string, unknown>;
}

/** Header the Worker sets on the upgrade request after authenticating the user. */
export const ROOM_USER_HEADER = 'X-WeBox-User';

interface SocketAttachment {
  userId: string;
  connectedAt: number;
}

/**
 * One object per user, holding that user's open sockets through the hibernation API:
 * an idle socket costs nothing, and the object wakes only to deliver an event.
 */
export class NotificationRoom extends DurableObject<Env> {
  /** Accepts a WebSocket upgrade that the Worker has already authenticated. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('Expected a WebSocket upgrade', { status: 426 });
    }
    const userId = request.headers.get(ROOM_USER_HEADER);
    if (!userId) return new Response('Missing user', { status: 400 });
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server, [userId]);
    const attachment: SocketAttachment = { userId, connectedAt: Date.now() };
    server.serializeAttachment(attachment);
    server.send(
      JSON.stringify({ type: 'hello', data: { sockets: this.ctx.getWebSockets().length } }),
    );
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Sends an event to every open socket of this user; returns how many were reached. */
  async publish(event: NotificationEvent): Promise<number> {
    const message = JSON.stringify({ ...event, at: new Date().toISOString() });
    let delivered = 0;
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.send(message);
        delivered++;
      } catch {
        // A socket that closed between getWebSockets() and send(): nothing to deliver to.
      }
    }
    return delivered;
  }

  /** The only message a client sends is a keep-alive ping. */
  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (message === 'ping') socket.send('pong');
  }

  override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
    try {
      socket.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // Already closed by the peer.
    }
  }
}

import type { ChatSession } from '../../durable-objects/chat-session';

/** The typed face of the per-conversation ChatSession objects. */
export interface ChatSessions {
  /** The object that owns a conversation's reply stream. */
  forConversation(conversationId: string): DurableObjectStub<ChatSession>;
  /** The object that keeps a user's usage rows Postgres could not take yet (the outbox). */
  usageOutbox(userId: string): DurableObjectStub<ChatSession>;
}

/** One object per conversation, named by its id; routes never build object ids themselves. */
export function createChatSessions(namespace: DurableObjectNamespace<ChatSession>): ChatSessions {
  return {
    forConversation: (conversationId) => namespace.get(namespace.idFromName(conversationId)),
    usageOutbox: (userId) => namespace.get(namespace.idFromName(`usage:${userId}`)),
  };
}

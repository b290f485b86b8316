import { z } from '@hono/zod-openapi';

/** Longest agent fields, in characters. */
export const AGENT_LIMITS = {
  name: 80,
  description: 500,
  systemPrompt: 20_000,
  knowledge: 100_000,
  icon: 8,
} as const;

const nameField = z
  .string()
  .trim()
  .min(1, 'Give the agent a name')
  .max(AGENT_LIMITS.name, `Use at most ${AGENT_LIMITS.name} characters`)
  .openapi({ example: 'Release notes writer' });
const descriptionField = z
  .string()
  .trim()
  .max(AGENT_LIMITS.description, `Use at most ${AGENT_LIMITS.description} characters`)
  .openapi({ example: 'Turns a list of merged changes into release notes.' });
const systemPromptField = z
  .string()
  .trim()
  .min(1, 'Write the instructions the agent follows')
  .max(AGENT_LIMITS.systemPrompt, `Use at most ${AGENT_LIMITS.systemPrompt} characters`)
  .openapi({ example: 'You write concise release notes grouped by feature, fix and chore.' });
const knowledgeField = z
  .string()
  .max(AGENT_LIMITS.knowledge, `Use at most ${AGENT_LIMITS.knowledge} characters`)
  .openapi({ description: 'Reference text given to the model with every conversation' });
/** Counted in code points, so one emoji built from several code units is not refused. */
const iconField = z
  .string()
  .trim()
  .min(1, 'Choose an icon')
  .refine((value) => [...value].length <= AGENT_LIMITS.icon, {
    message: `Use at most ${AGENT_LIMITS.icon} characters`,
  })
  .openapi({ example: '📝' });
const temperatureField = z
  .number()
  .min(0, 'Use a temperature from 0 to 2')
  .max(2, 'Use a temperature from 0 to 2')
  .nullable()
  .openapi({ example: 0.4, description: 'Null leaves the model’s default' });
const defaultModelField = z
  .string()
  .trim()
  .min(3)
  .max(200)
  .nullable()
  .openapi({ example: 'offline/offline-brief', description: 'A registry slug, or null' });

export const AgentCreateSchema = z
  .strictObject({
    name: nameField,
    description: descriptionField.optional(),
    systemPrompt: systemPromptField,
    knowledge: knowledgeField.optional(),
    icon: iconField.optional(),
    temperature: temperatureField.optional(),
    defaultModel: defaultModelField.optional(),
  })
  .openapi('AgentCreate');
export type AgentCreate = z.infer<typeof AgentCreateSchema>;

export const AgentPatchSchema = z
  .strictObject({
    name: nameField.optional(),
    description: descriptionField.optional(),
    systemPrompt: systemPromptField.optional(),
    knowledge: knowledgeField.optional(),
    icon: iconField.optional(),
    temperature: temperatureField.optional(),
    defaultModel: defaultModelField.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'Send at least one field to change' })
  .openapi('AgentPatch');
export type AgentPatch = z.infer<typeof AgentPatchSchema>;

export const AgentIdParamSchema = z.object({
  id: z
    .string()
    .max(100)
    .openapi({
      param: { name: 'id', in: 'path' },
      example: 'builtin:sales',
      description: 'A built-in agent’s "builtin:<key>" or your agent’s uuid',
    }),
});

export const ShareTokenParamSchema = z.object({
  token: z
    .string()
    .max(100)
    .openapi({ param: { name: 'token', in: 'path' }, description: 'The token of a share link' }),
});

const agentFields = {
  id: z.string().openapi({ example: 'builtin:sales' }),
  name: z.string(),
  description: z.string(),
  icon: z.string(),
  defaultModel: z.string().nullable(),
  temperature: z.number().nullable(),
  builtin: z.boolean().openapi({ description: 'Shipped with WeBox, read-only' }),
  shared: z.boolean().openapi({ description: 'A share link is active' }),
  updatedAt: z.string().nullable().openapi({ format: 'date-time' }),
};

export const AgentSummarySchema = z.object(agentFields).openapi('AgentSummary');

export const AgentSchema = z
  .object({
    ...agentFields,
    systemPrompt: z.string(),
    knowledge: z.string(),
    shareUrl: z.string().nullable(),
    createdAt: z.string().nullable().openapi({ format: 'date-time' }),
  })
  .openapi('Agent');

export const AgentListSchema = z
  .object({ items: z.array(AgentSummarySchema) })
  .openapi('AgentList');

export const ShareLinkSchema = z
  .object({
    shareUrl: z.string().openapi({ example: 'https://webox.app/agents?shared=…' }),
    token: z.string(),
  })
  .openapi('AgentShareLink');

export const SharedAgentSchema = z
  .object({
    name: z.string(),
    icon: z.string(),
    description: z.string(),
    systemPrompt: z.string(),
    defaultModel: z.string().nullable(),
    temperature: z.number().nullable(),
    knowledge: z.string(),
  })
  .openapi('SharedAgent');

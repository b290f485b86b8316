CREATE TYPE "public"."message_role" AS ENUM('user', 'assistant');--> statement-breakpoint
CREATE TYPE "public"."message_status" AS ENUM('streaming', 'complete', 'stopped', 'failed');--> statement-breakpoint
CREATE TYPE "public"."model_provider" AS ENUM('openai', 'anthropic', 'google', 'mistral', 'groq', 'offline');--> statement-breakpoint
CREATE TYPE "public"."usage_source" AS ENUM('chat', 'compare', 'api', 'generation');--> statement-breakpoint
CREATE TABLE "agents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"system_prompt" text NOT NULL,
	"default_model" text,
	"temperature" double precision,
	"knowledge" text DEFAULT '' NOT NULL,
	"icon" text DEFAULT '🤖' NOT NULL,
	"share_token" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ai_models" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider" "model_provider" NOT NULL,
	"model_id" text NOT NULL,
	"display_name" text NOT NULL,
	"context_window" integer NOT NULL,
	"input_price_micros" bigint NOT NULL,
	"output_price_micros" bigint NOT NULL,
	"vision" boolean DEFAULT false NOT NULL,
	"tools" boolean DEFAULT false NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"sort_order" integer DEFAULT 100 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"last_used_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chat_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"r2_key" text NOT NULL,
	"name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"kind" text NOT NULL,
	"extracted_text" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conversations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"title" text NOT NULL,
	"title_source" text DEFAULT 'auto' NOT NULL,
	"pinned" boolean DEFAULT false NOT NULL,
	"agent_id" text,
	"model" text,
	"active_leaf_id" uuid,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"parent_id" uuid,
	"role" "message_role" NOT NULL,
	"content" text DEFAULT '' NOT NULL,
	"model" text,
	"provider" "model_provider",
	"status" "message_status" DEFAULT 'complete' NOT NULL,
	"error" jsonb,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"input_tokens" integer,
	"output_tokens" integer,
	"tokens_estimated" boolean DEFAULT false NOT NULL,
	"cost_micros" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "prompt_favorites" (
	"user_id" uuid NOT NULL,
	"prompt_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prompt_favorites_user_id_prompt_id_pk" PRIMARY KEY("user_id","prompt_id")
);
--> statement-breakpoint
CREATE TABLE "prompts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"category" text DEFAULT 'general' NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"is_public" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"source" "usage_source" NOT NULL,
	"reference" text NOT NULL,
	"provider" "model_provider" NOT NULL,
	"model" text NOT NULL,
	"input_tokens" integer NOT NULL,
	"output_tokens" integer NOT NULL,
	"estimated" boolean DEFAULT false NOT NULL,
	"cost_micros" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_attachments" ADD CONSTRAINT "chat_attachments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_parent_id_messages_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompt_favorites" ADD CONSTRAINT "prompt_favorites_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompt_favorites" ADD CONSTRAINT "prompt_favorites_prompt_id_prompts_id_fk" FOREIGN KEY ("prompt_id") REFERENCES "public"."prompts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompts" ADD CONSTRAINT "prompts_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agents_owner_idx" ON "agents" USING btree ("owner_id","updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "agents_share_token_key" ON "agents" USING btree ("share_token");--> statement-breakpoint
CREATE UNIQUE INDEX "ai_models_provider_model_key" ON "ai_models" USING btree ("provider","model_id");--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_hash_key" ON "api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "api_tokens_user_idx" ON "api_tokens" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "chat_attachments_user_idx" ON "chat_attachments" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "conversations_user_recent_idx" ON "conversations" USING btree ("user_id","updated_at");--> statement-breakpoint
CREATE INDEX "conversations_title_search_idx" ON "conversations" USING gin (to_tsvector('simple', "title"));--> statement-breakpoint
CREATE INDEX "messages_conversation_idx" ON "messages" USING btree ("conversation_id","created_at");--> statement-breakpoint
CREATE INDEX "messages_parent_idx" ON "messages" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "messages_content_search_idx" ON "messages" USING gin (to_tsvector('simple', "content"));--> statement-breakpoint
CREATE INDEX "prompts_owner_idx" ON "prompts" USING btree ("owner_id","updated_at");--> statement-breakpoint
CREATE INDEX "prompts_search_idx" ON "prompts" USING gin (to_tsvector('simple', "title" || ' ' || "body"));--> statement-breakpoint
CREATE UNIQUE INDEX "usage_events_reference_key" ON "usage_events" USING btree ("reference");--> statement-breakpoint
CREATE INDEX "usage_events_user_time_idx" ON "usage_events" USING btree ("user_id","created_at");--> statement-breakpoint
-- The registry starts with the vendors' public models and list prices (micro-dollars per million tokens); admins edit it afterwards.
INSERT INTO "ai_models" ("provider", "model_id", "display_name", "context_window", "input_price_micros", "output_price_micros", "vision", "tools", "enabled", "sort_order") VALUES
('offline', 'offline-brief', 'Offline · Brief', 32768, 0, 0, true, false, true, 1),
('offline', 'offline-detailed', 'Offline · Detailed', 32768, 0, 0, true, false, true, 2),
('offline', 'offline-coder', 'Offline · Coder', 32768, 0, 0, false, false, true, 3),
('openai', 'gpt-4o-mini', 'GPT-4o mini', 128000, 150000, 600000, true, true, true, 10),
('openai', 'gpt-4o', 'GPT-4o', 128000, 2500000, 10000000, true, true, true, 11),
('openai', 'gpt-4.1', 'GPT-4.1', 1047576, 2000000, 8000000, true, true, true, 12),
('openai', 'gpt-4.1-mini', 'GPT-4.1 mini', 1047576, 400000, 1600000, true, true, true, 13),
('openai', 'o3-mini', 'o3-mini', 200000, 1100000, 4400000, false, true, true, 14),
('openai', 'gpt-5', 'GPT-5', 400000, 1250000, 10000000, true, true, true, 15),
('openai', 'gpt-5-mini', 'GPT-5 mini', 400000, 250000, 2000000, true, true, true, 16),
('anthropic', 'claude-sonnet-4-6', 'Claude Sonnet 4.6', 200000, 3000000, 15000000, true, true, true, 20),
('anthropic', 'claude-haiku-4-5', 'Claude Haiku 4.5', 200000, 1000000, 5000000, true, true, true, 21),
('anthropic', 'claude-opus-4-5', 'Claude Opus 4.5', 200000, 5000000, 25000000, true, true, true, 22),
('google', 'gemini-2.5-flash', 'Gemini 2.5 Flash', 1048576, 300000, 2500000, true, true, true, 30),
('google', 'gemini-2.5-pro', 'Gemini 2.5 Pro', 1048576, 1250000, 10000000, true, true, true, 31),
('google', 'gemini-2.5-flash-lite', 'Gemini 2.5 Flash-Lite', 1048576, 100000, 400000, true, true, true, 32),
('google', 'gemini-3-pro-preview', 'Gemini 3 Pro (preview)', 1048576, 2000000, 12000000, true, true, true, 33),
('mistral', 'mistral-large-latest', 'Mistral Large', 131072, 2000000, 6000000, false, true, true, 40),
('mistral', 'mistral-small-latest', 'Mistral Small', 131072, 200000, 600000, true, true, true, 41),
('mistral', 'codestral-latest', 'Codestral', 256000, 300000, 900000, false, true, true, 42),
('groq', 'llama-3.3-70b-versatile', 'Llama 3.3 70B (Groq)', 131072, 590000, 790000, false, true, true, 50),
('groq', 'llama-3.1-8b-instant', 'Llama 3.1 8B Instant (Groq)', 131072, 50000, 80000, false, true, true, 51)
ON CONFLICT ("provider", "model_id") DO NOTHING;

CREATE TABLE "usage_rollups" (
	"user_id" uuid NOT NULL,
	"day" date NOT NULL,
	"source" "usage_source" NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"estimated" boolean DEFAULT false NOT NULL,
	CONSTRAINT "usage_rollups_user_id_day_source_provider_model_pk" PRIMARY KEY("user_id","day","source","provider","model")
);
--> statement-breakpoint
ALTER TABLE "usage_rollups" ADD CONSTRAINT "usage_rollups_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Backfill: the rollups of every call already in the ledger.
INSERT INTO "usage_rollups" ("user_id", "day", "source", "provider", "model", "input_tokens", "output_tokens", "cost_micros", "calls", "estimated")
SELECT "user_id", ("created_at" AT TIME ZONE 'UTC')::date, "source", "provider", "model",
  sum("input_tokens"), sum("output_tokens"), sum("cost_micros"), count(*), bool_or("estimated")
FROM "usage_events"
GROUP BY "user_id", ("created_at" AT TIME ZONE 'UTC')::date, "source", "provider", "model";
--> statement-breakpoint
-- The ledger keeps its rollups: every new usage row adds itself to its UTC day's row in the
-- same statement, so a retried write (ON CONFLICT DO NOTHING) adds nothing.
CREATE FUNCTION "usage_rollup_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "usage_rollups" AS r ("user_id", "day", "source", "provider", "model", "input_tokens", "output_tokens", "cost_micros", "calls", "estimated")
  VALUES (NEW."user_id", (NEW."created_at" AT TIME ZONE 'UTC')::date, NEW."source", NEW."provider", NEW."model", NEW."input_tokens", NEW."output_tokens", NEW."cost_micros", 1, NEW."estimated")
  ON CONFLICT ("user_id", "day", "source", "provider", "model") DO UPDATE SET
    "input_tokens" = r."input_tokens" + excluded."input_tokens",
    "output_tokens" = r."output_tokens" + excluded."output_tokens",
    "cost_micros" = r."cost_micros" + excluded."cost_micros",
    "calls" = r."calls" + 1,
    "estimated" = r."estimated" OR excluded."estimated";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "usage_events_rollup" AFTER INSERT ON "usage_events"
  FOR EACH ROW EXECUTE FUNCTION "usage_rollup_add"();

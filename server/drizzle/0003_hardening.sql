ALTER TABLE "users" ADD COLUMN "email_verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "session_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "notification_topics" ADD COLUMN "visibility" text DEFAULT 'private' NOT NULL;--> statement-breakpoint
CREATE INDEX "refresh_tokens_user_idx" ON "refresh_tokens" USING btree ("user_id","revoked_at");--> statement-breakpoint
-- Accounts that existed before e-mail verification keep working: they count as verified.
UPDATE "users" SET "email_verified_at" = "created_at" WHERE "email_verified_at" IS NULL;--> statement-breakpoint
-- Job payloads carry ids only: strip the e-mail and name that user.registered events used to carry
-- from jobs already stored (pending, dead letters and pg-boss's archive), where pg-boss exists yet.
DO $$
BEGIN
  IF to_regclass('pgboss.job') IS NOT NULL THEN
    UPDATE pgboss.job SET data = jsonb_set(data, '{event,payload}', (data #> '{event,payload}') - 'email' - 'name')
      WHERE data #> '{event,payload}' ?| array['email', 'name'];
  END IF;
  IF to_regclass('pgboss.archive') IS NOT NULL THEN
    UPDATE pgboss.archive SET data = jsonb_set(data, '{event,payload}', (data #> '{event,payload}') - 'email' - 'name')
      WHERE data #> '{event,payload}' ?| array['email', 'name'];
  END IF;
END $$;

CREATE TABLE "notification_digests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workflow_id" uuid NOT NULL,
	"step" integer NOT NULL,
	"user_id" uuid NOT NULL,
	"key" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"notification_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"type_key" text NOT NULL,
	"workflow_id" uuid NOT NULL,
	"step" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"wake_at" timestamp with time zone,
	"digest_id" uuid,
	"events" jsonb,
	"event_count" integer,
	"log" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_throttle_hits" (
	"scope" text NOT NULL,
	"run_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_throttle_hits_scope_run_id_pk" PRIMARY KEY("scope","run_id")
);
--> statement-breakpoint
CREATE TABLE "notification_workflows" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"steps" jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "deliveries_unique_target";--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "phone_verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "run_id" uuid;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "step" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "inbox_items" ADD COLUMN "seen_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "cancel_key" text;--> statement-breakpoint
ALTER TABLE "notification_runs" ADD CONSTRAINT "notification_runs_notification_id_notifications_id_fk" FOREIGN KEY ("notification_id") REFERENCES "public"."notifications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_workflows" ADD CONSTRAINT "notification_workflows_type_id_notification_types_id_fk" FOREIGN KEY ("type_id") REFERENCES "public"."notification_types"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notification_digests_open_key" ON "notification_digests" USING btree ("workflow_id","step","user_id","key") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "notification_digests_due_idx" ON "notification_digests" USING btree ("closes_at") WHERE status = 'open';--> statement-breakpoint
CREATE UNIQUE INDEX "notification_runs_recipient_key" ON "notification_runs" USING btree ("notification_id","user_id");--> statement-breakpoint
CREATE INDEX "notification_runs_user_idx" ON "notification_runs" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "notification_runs_due_idx" ON "notification_runs" USING btree ("wake_at") WHERE status = 'waiting';--> statement-breakpoint
CREATE INDEX "notification_runs_digest_idx" ON "notification_runs" USING btree ("digest_id") WHERE status = 'digesting';--> statement-breakpoint
CREATE INDEX "notification_throttle_hits_scope_idx" ON "notification_throttle_hits" USING btree ("scope","at");--> statement-breakpoint
CREATE UNIQUE INDEX "notification_workflows_version_key" ON "notification_workflows" USING btree ("type_id","version");--> statement-breakpoint
CREATE INDEX "notifications_cancel_key_idx" ON "notifications" USING btree ("cancel_key") WHERE cancel_key is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_unique_target" ON "deliveries" USING btree ("notification_id","user_id","channel","target","step");
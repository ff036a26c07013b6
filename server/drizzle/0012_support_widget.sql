CREATE TABLE "support_conversations" (
	"conversation_id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"visitor_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"assignee_id" uuid,
	"status" text DEFAULT 'open' NOT NULL,
	"visitor_name" text,
	"visitor_email" text,
	"start_key" text NOT NULL,
	"ticket_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "support_sites" (
	"id" uuid PRIMARY KEY NOT NULL,
	"token" text NOT NULL,
	"name" text NOT NULL,
	"allowed_origins" text[] NOT NULL,
	"identity_secret" text NOT NULL,
	"require_identity" boolean DEFAULT false NOT NULL,
	"team_id" uuid,
	"locale" text DEFAULT 'en' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "support_conversations_visitor" ON "support_conversations" USING btree ("visitor_id","site_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "support_conversations_start" ON "support_conversations" USING btree ("visitor_id","start_key");--> statement-breakpoint
CREATE INDEX "support_conversations_status" ON "support_conversations" USING btree ("status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "support_sites_token" ON "support_sites" USING btree ("token");--> statement-breakpoint
CREATE UNIQUE INDEX "support_tickets_conversation" ON "support_tickets" USING btree ("conversation_id") WHERE conversation_id is not null;
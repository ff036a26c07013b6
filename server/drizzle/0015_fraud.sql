CREATE TABLE "fraud_assessments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"operation" text NOT NULL,
	"user_id" uuid NOT NULL,
	"ref" text,
	"amount" numeric(78, 0) NOT NULL,
	"currency" text NOT NULL,
	"ip" text,
	"device_id" text,
	"email_domain" text,
	"country" text,
	"card_fingerprint" text,
	"score" smallint NOT NULL,
	"decision" text NOT NULL,
	"reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"rules_version" integer NOT NULL,
	"actor" text NOT NULL,
	"dedupe_key" text,
	"review_status" text,
	"reviewed_by" text,
	"reviewed_at" timestamp with time zone,
	"review_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fraud_assessments_amount" CHECK ("fraud_assessments"."amount" >= 0),
	CONSTRAINT "fraud_assessments_decision" CHECK ("fraud_assessments"."decision" in ('allow', 'review', 'block')),
	CONSTRAINT "fraud_assessments_review_status" CHECK ("fraud_assessments"."review_status" is null or "fraud_assessments"."review_status" in ('open', 'approved', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "fraud_blocklist" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"note" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fraud_rules" (
	"id" smallint PRIMARY KEY NOT NULL,
	"rules" jsonb NOT NULL,
	"version" integer NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fraud_rules_one_row" CHECK ("fraud_rules"."id" = 1)
);
--> statement-breakpoint
CREATE INDEX "fraud_assessments_user_time" ON "fraud_assessments" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "fraud_assessments_ip_time" ON "fraud_assessments" USING btree ("ip","created_at") WHERE ip is not null;--> statement-breakpoint
CREATE INDEX "fraud_assessments_device_time" ON "fraud_assessments" USING btree ("device_id","created_at") WHERE device_id is not null;--> statement-breakpoint
CREATE INDEX "fraud_assessments_user" ON "fraud_assessments" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "fraud_assessments_decision" ON "fraud_assessments" USING btree ("decision","id");--> statement-breakpoint
CREATE INDEX "fraud_assessments_review" ON "fraud_assessments" USING btree ("review_status","id") WHERE review_status is not null;--> statement-breakpoint
CREATE INDEX "fraud_assessments_ref" ON "fraud_assessments" USING btree ("operation","ref");--> statement-breakpoint
CREATE INDEX "fraud_assessments_cards" ON "fraud_assessments" USING btree ("user_id","card_fingerprint") WHERE card_fingerprint is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "fraud_assessments_dedupe" ON "fraud_assessments" USING btree ("dedupe_key");--> statement-breakpoint
CREATE UNIQUE INDEX "fraud_blocklist_value" ON "fraud_blocklist" USING btree ("kind","value");--> statement-breakpoint
CREATE INDEX "fraud_blocklist_kind" ON "fraud_blocklist" USING btree ("kind","id");
CREATE TABLE "wallet_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wallet_withdrawals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"amount" numeric(78, 0) NOT NULL,
	"currency" text NOT NULL,
	"destination" text NOT NULL,
	"status" text NOT NULL,
	"hold_id" uuid NOT NULL,
	"decided_by" text,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	CONSTRAINT "wallet_withdrawals_amount" CHECK ("wallet_withdrawals"."amount" > 0)
);
--> statement-breakpoint
CREATE INDEX "wallet_withdrawals_user" ON "wallet_withdrawals" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "wallet_withdrawals_status" ON "wallet_withdrawals" USING btree ("status","id");--> statement-breakpoint
CREATE UNIQUE INDEX "wallet_withdrawals_hold" ON "wallet_withdrawals" USING btree ("hold_id");
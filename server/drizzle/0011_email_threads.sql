DROP INDEX "support_ticket_events_email";--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "email_options" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "support_ticket_events_email" ON "support_ticket_events" USING btree ("email_message_id") WHERE email_message_id is not null;
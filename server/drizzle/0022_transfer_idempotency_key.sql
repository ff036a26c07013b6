-- A user's transfer keeps its request's Idempotency-Key on its own row (as a payment does): a
-- retry finds the transfer it made, also after a crash between the commit and the stored answer,
-- and the request pays no separate claim and answer. Only keyed rows are indexed.
ALTER TABLE "ledger_transfers" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_transfers_idempotency" ON "ledger_transfers" USING btree ("created_by","idempotency_key") WHERE idempotency_key is not null;
-- The audit log's rows are chained after their transaction commits (audit/service.ts): written
-- without a hash, then given their place in the chain, prev_hash and hash once by the chainer.
-- The statement trigger that refused every UPDATE becomes a row trigger that allows exactly that.
DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "prev_hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "chain_pos" bigint;--> statement-breakpoint
-- Rows written before were chained in seq order.
UPDATE "audit_log" SET "chain_pos" = "seq";--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_chain_pos" ON "audit_log" USING btree ("chain_pos");--> statement-breakpoint
CREATE INDEX "audit_log_unchained" ON "audit_log" USING btree ("seq") WHERE chain_pos is null;--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_log_chain_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The chainer's one update: an unchained row gets its place and hashes, its content unchanged.
  IF OLD.chain_pos IS NULL AND NEW.chain_pos IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
     AND NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.actor_type = OLD.actor_type
     AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id AND NEW.action = OLD.action
     AND NEW.target_type IS NOT DISTINCT FROM OLD.target_type AND NEW.target_id IS NOT DISTINCT FROM OLD.target_id
     AND NEW.data = OLD.data THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER audit_log_chain_only BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_chain_only();--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Velocity windows filter by operation; with (operation, ref) a planner on stale statistics (a
-- young, growing table) ANDed every window with a scan of the whole index. By ref first it serves
-- the lookups of what an assessment is about and cannot serve an operation-only condition.
DROP INDEX "fraud_assessments_ref";--> statement-breakpoint
CREATE INDEX "fraud_assessments_ref" ON "fraud_assessments" USING btree ("ref","operation");
-- Running totals of each user's assessed operations (captures aside): a user's velocity window is
-- read from its first and last rows instead of row by row (the daily amount rule read a busy
-- user's whole day on every operation). The rows there are numbered and summed as they would have
-- been written. The user's index gets the count last, so a batch's rows (one time) come in order.
DROP INDEX "fraud_assessments_user_time";--> statement-breakpoint
ALTER TABLE "fraud_assessments" ADD COLUMN "user_count" integer;--> statement-breakpoint
ALTER TABLE "fraud_assessments" ADD COLUMN "user_amount" numeric(78, 0);--> statement-breakpoint
UPDATE "fraud_assessments" f SET "user_count" = s.n, "user_amount" = s.a
FROM (
  SELECT id,
    row_number() OVER (PARTITION BY user_id ORDER BY created_at, id) AS n,
    sum(CASE WHEN decision <> 'block' THEN amount ELSE 0 END) OVER (PARTITION BY user_id, currency ORDER BY created_at, id) AS a
  FROM "fraud_assessments" WHERE operation <> 'payment_capture'
) s
WHERE f.id = s.id;--> statement-breakpoint
CREATE INDEX "fraud_assessments_user_time" ON "fraud_assessments" USING btree ("user_id","created_at","user_count");

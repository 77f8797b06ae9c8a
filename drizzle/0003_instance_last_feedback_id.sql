ALTER TABLE "instances" ADD COLUMN "last_feedback_id" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "feedback_instance_id_idx" ON "feedback" USING btree ("instance_id","id");--> statement-breakpoint
-- Existing instances: the largest id of the feedback already stored, so the clearing round's history cache starts exact.
UPDATE "instances" SET "last_feedback_id" = m.id FROM (SELECT "instance_id", max("id") AS id FROM "feedback" GROUP BY "instance_id") AS m WHERE m."instance_id" = "instances"."id";

ALTER TABLE "instances" ADD COLUMN "feedback_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Existing instances: count the feedback already stored, so the clearing round's history cache starts exact.
UPDATE "instances" SET "feedback_count" = c.n FROM (SELECT "instance_id", count(*)::integer AS n FROM "feedback" GROUP BY "instance_id") AS c WHERE c."instance_id" = "instances"."id";

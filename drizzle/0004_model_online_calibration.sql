CREATE TABLE "model_online_calibration" (
	"version" text PRIMARY KEY NOT NULL,
	"state" jsonb NOT NULL,
	"updated_at" bigint NOT NULL
);

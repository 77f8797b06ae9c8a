CREATE TABLE "bids" (
	"id" text PRIMARY KEY NOT NULL,
	"client_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"price" double precision NOT NULL,
	"priority" text,
	"count" integer NOT NULL,
	"uninterruptible" boolean NOT NULL,
	"penalty" jsonb,
	"max_wait_seconds" double precision,
	"state" text NOT NULL,
	"clearing_price" double precision,
	"score" jsonb,
	"reason" text,
	"detail" text,
	"submitted_at" bigint NOT NULL,
	"decided_at" bigint
);
--> statement-breakpoint
CREATE TABLE "clients" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "clients_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "feedback" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"instance_id" text NOT NULL,
	"client_id" text NOT NULL,
	"at" bigint NOT NULL,
	"cpu" double precision NOT NULL,
	"memory" double precision NOT NULL,
	"network" double precision NOT NULL,
	"slowdown" double precision,
	"received_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"client_id" text NOT NULL,
	"route" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer NOT NULL,
	"body" jsonb NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "idempotency_keys_client_id_route_key_pk" PRIMARY KEY("client_id","route","key")
);
--> statement-breakpoint
CREATE TABLE "instances" (
	"id" text PRIMARY KEY NOT NULL,
	"bid_id" text NOT NULL,
	"client_id" text NOT NULL,
	"node_id" text NOT NULL,
	"state" text NOT NULL,
	"bid_price" double precision NOT NULL,
	"price" double precision NOT NULL,
	"declared_priority" text NOT NULL,
	"effective_priority" double precision NOT NULL,
	"uninterruptible" boolean NOT NULL,
	"penalty" jsonb,
	"prediction" jsonb NOT NULL,
	"interference_score" double precision NOT NULL,
	"score" jsonb NOT NULL,
	"interruptions" jsonb NOT NULL,
	"moved_from" jsonb NOT NULL,
	"notice" jsonb,
	"started_at" bigint NOT NULL,
	"ended_at" bigint,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"client_id" text NOT NULL,
	"kind" text NOT NULL,
	"amount" double precision NOT NULL,
	"at" bigint NOT NULL,
	"instance_id" text NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_versions" (
	"version" text PRIMARY KEY NOT NULL,
	"path" text NOT NULL,
	"manifest" jsonb NOT NULL,
	"created_at" bigint NOT NULL,
	"active" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "nodes" (
	"id" text PRIMARY KEY NOT NULL,
	"cpu" double precision NOT NULL,
	"memory" double precision NOT NULL,
	"network" double precision NOT NULL,
	"labels" jsonb NOT NULL,
	"draining" boolean DEFAULT false NOT NULL,
	"removed_at" bigint,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operator_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "profiles" (
	"id" text PRIMARY KEY NOT NULL,
	"client_id" text NOT NULL,
	"spec" jsonb NOT NULL,
	"prediction" jsonb NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rounds" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL,
	"model_version" text,
	"clearing_prices" jsonb NOT NULL,
	"placements" integer NOT NULL,
	"preemptions" integer NOT NULL,
	"terminations" integer NOT NULL,
	"attempts" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bids" ADD CONSTRAINT "bids_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bids" ADD CONSTRAINT "bids_profile_id_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_instance_id_instances_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instances"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instances" ADD CONSTRAINT "instances_bid_id_bids_id_fk" FOREIGN KEY ("bid_id") REFERENCES "public"."bids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instances" ADD CONSTRAINT "instances_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instances" ADD CONSTRAINT "instances_node_id_nodes_id_fk" FOREIGN KEY ("node_id") REFERENCES "public"."nodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger" ADD CONSTRAINT "ledger_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger" ADD CONSTRAINT "ledger_instance_id_instances_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instances"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profiles" ADD CONSTRAINT "profiles_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bids_client_idx" ON "bids" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "bids_state_idx" ON "bids" USING btree ("state");--> statement-breakpoint
CREATE INDEX "feedback_instance_at_idx" ON "feedback" USING btree ("instance_id","at");--> statement-breakpoint
CREATE INDEX "instances_client_idx" ON "instances" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "instances_state_idx" ON "instances" USING btree ("state");--> statement-breakpoint
CREATE INDEX "instances_bid_idx" ON "instances" USING btree ("bid_id");--> statement-breakpoint
CREATE INDEX "ledger_client_idx" ON "ledger" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "profiles_client_idx" ON "profiles" USING btree ("client_id");
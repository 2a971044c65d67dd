import { Migration } from '@mikro-orm/migrations';

/** Initial schema: users, refresh tokens, destinations, stream sessions (+ results, stats), media assets. */
export class Migration20261124000000Initial extends Migration {
  override up(): void {
    this.addSql(`create table "users" ("id" uuid not null, "email" varchar(254) not null, "password_hash" text not null, "display_name" varchar(80) null, "plan" text not null default 'free', "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"))`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email")`);
    this.addSql(`alter table "users" add constraint "users_plan_check" check ("plan" in ('free', 'pro', 'business'))`);
    this.addSql(`create table "stream_sessions" ("id" uuid not null, "user_id" uuid not null, "status" text not null default 'starting', "outcome" text null, "resolution" text not null, "record" boolean not null default false, "video_bitrate_kbps" int not null, "ingest_token_jti" uuid not null, "ingest_token_expires_at" timestamptz not null, "ingest_token_used_at" timestamptz null, "created_at" timestamptz not null, "started_at" timestamptz null, "ended_at" timestamptz null, primary key ("id"))`);
    this.addSql(`create index "stream_sessions_user_id_index" on "stream_sessions" ("user_id")`);
    this.addSql(`alter table "stream_sessions" add constraint "stream_sessions_ingest_token_jti_unique" unique ("ingest_token_jti")`);
    this.addSql(`alter table "stream_sessions" add constraint "stream_sessions_status_check" check ("status" in ('starting', 'live', 'ended'))`);
    this.addSql(`alter table "stream_sessions" add constraint "stream_sessions_outcome_check" check ("outcome" in ('stopped', 'expired', 'failed', 'disconnected'))`);
    this.addSql(`alter table "stream_sessions" add constraint "stream_sessions_resolution_check" check ("resolution" in ('720p', '1080p'))`);
    this.addSql(`create table "stream_stats_samples" ("id" bigserial primary key, "session_id" uuid not null, "at" timestamptz not null, "input_bitrate_kbps" int not null, "input_fps" double precision not null, "frames_received" bigint not null, "bytes_received" bigint not null, "destinations" jsonb not null)`);
    this.addSql(`create index "stream_stats_samples_session_id_at_index" on "stream_stats_samples" ("session_id", "at")`);
    this.addSql(`create table "refresh_tokens" ("id" uuid not null, "user_id" uuid not null, "family_id" uuid not null, "token_hash" varchar(64) not null, "device_label" varchar(80) null, "user_agent" varchar(300) null, "signed_in_at" timestamptz not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "rotated_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"))`);
    this.addSql(`create index "refresh_tokens_user_id_index" on "refresh_tokens" ("user_id")`);
    this.addSql(`create index "refresh_tokens_family_id_index" on "refresh_tokens" ("family_id")`);
    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_token_hash_unique" unique ("token_hash")`);
    this.addSql(`create table "media_assets" ("id" uuid not null, "user_id" uuid not null, "session_id" uuid null, "kind" text not null, "file_name" varchar(255) not null, "mime_type" varchar(100) not null, "size_bytes" bigint not null, "duration_ms" int null, "width" int null, "height" int null, "storage_path" varchar(1000) not null, "created_at" timestamptz not null, primary key ("id"))`);
    this.addSql(`create index "media_assets_user_id_index" on "media_assets" ("user_id")`);
    this.addSql(`alter table "media_assets" add constraint "media_assets_kind_check" check ("kind" in ('recording', 'upload'))`);
    this.addSql(`create table "destinations" ("id" uuid not null, "user_id" uuid not null, "name" varchar(80) not null, "platform" text not null, "url" varchar(500) not null, "stream_key_ciphertext" text not null, "stream_key_key_id" varchar(16) not null, "stream_key_last4" varchar(4) not null, "title" varchar(140) null, "enabled" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"))`);
    this.addSql(`create index "destinations_user_id_index" on "destinations" ("user_id")`);
    this.addSql(`alter table "destinations" add constraint "destinations_platform_check" check ("platform" in ('youtube', 'twitch', 'facebook', 'tiktok', 'custom'))`);
    this.addSql(`create table "stream_session_destinations" ("id" uuid not null, "session_id" uuid not null, "destination_id" uuid null, "name" varchar(80) not null, "platform" text not null, "redacted_url" varchar(600) not null, "outcome" varchar(40) null, "last_error" varchar(300) null, "bytes_sent" bigint not null default '0', "frames_sent" bigint not null default '0', "frames_dropped" bigint not null default '0', "reconnects" int not null default 0, primary key ("id"))`);
    this.addSql(`create index "stream_session_destinations_session_id_index" on "stream_session_destinations" ("session_id")`);
    this.addSql(`create index "stream_session_destinations_destination_id_index" on "stream_session_destinations" ("destination_id")`);
    this.addSql(`alter table "stream_session_destinations" add constraint "stream_session_destinations_platform_check" check ("platform" in ('youtube', 'twitch', 'facebook', 'tiktok', 'custom'))`);
    this.addSql(`alter table "stream_sessions" add constraint "stream_sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade`);
    this.addSql(`alter table "stream_stats_samples" add constraint "stream_stats_samples_session_id_foreign" foreign key ("session_id") references "stream_sessions" ("id") on delete cascade`);
    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade`);
    this.addSql(`alter table "media_assets" add constraint "media_assets_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade`);
    this.addSql(`alter table "media_assets" add constraint "media_assets_session_id_foreign" foreign key ("session_id") references "stream_sessions" ("id") on delete set null`);
    this.addSql(`alter table "destinations" add constraint "destinations_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade`);
    this.addSql(`alter table "stream_session_destinations" add constraint "stream_session_destinations_session_id_foreign" foreign key ("session_id") references "stream_sessions" ("id") on delete cascade`);
    this.addSql(`alter table "stream_session_destinations" add constraint "stream_session_destinations_destination_id_foreign" foreign key ("destination_id") references "destinations" ("id") on delete set null`);
  }

  override down(): void {
    for (const table of ['stream_session_destinations', 'stream_stats_samples', 'media_assets', 'stream_sessions', 'destinations', 'refresh_tokens', 'users']) {
      this.addSql(`drop table if exists "${table}" cascade`);
    }
  }
}

namespace OneApi.Data.Tests;

/// <summary>On the PostgreSQL of <c>ONEAPI_TEST_PG_DSN</c>.</summary>
public sealed class PostgresSchemaTests : ServerSchemaTests
{
    internal override async Task<ServerDatabase?> CreateDatabaseAsync() => await PostgresDatabase.CreateAsync();

    // GORM's PostgreSQL types for one-api's models: Go int/int64 → bigint (bigserial for the id), type:int → integer,
    // bool → boolean, float64 → decimal, string → text; every column nullable but password; GORM's index names.
    protected override string GormSchema => """
        CREATE TABLE "channels" ("id" bigserial,"type" bigint DEFAULT 0,"key" text,"status" bigint DEFAULT 1,"name" text,"weight" bigint DEFAULT 0,"created_time" bigint,"test_time" bigint,"response_time" bigint,"base_url" text DEFAULT '',"other" text,"balance" decimal,"balance_updated_time" bigint,"models" text,"group" varchar(32) DEFAULT 'default',"used_quota" bigint DEFAULT 0,"model_mapping" varchar(1024) DEFAULT '',"priority" bigint DEFAULT 0,"config" text,PRIMARY KEY ("id"));
        CREATE INDEX IF NOT EXISTS "idx_channels_name" ON "channels" ("name");
        CREATE TABLE "tokens" ("id" bigserial,"user_id" bigint,"key" char(48),"status" bigint DEFAULT 1,"name" text,"created_time" bigint,"accessed_time" bigint,"expired_time" bigint DEFAULT -1,"remain_quota" bigint DEFAULT 0,"unlimited_quota" boolean DEFAULT false,"used_quota" bigint DEFAULT 0,"models" text,"subnet" text DEFAULT '',PRIMARY KEY ("id"));
        CREATE UNIQUE INDEX IF NOT EXISTS "idx_tokens_key" ON "tokens" ("key");
        CREATE INDEX IF NOT EXISTS "idx_tokens_name" ON "tokens" ("name");
        CREATE TABLE "users" ("id" bigserial,"username" text UNIQUE,"password" text NOT NULL,"display_name" text,"role" integer DEFAULT 1,"status" integer DEFAULT 1,"email" text,"github_id" text,"wechat_id" text,"lark_id" text,"oidc_id" text,"access_token" char(32),"quota" bigint DEFAULT 0,"used_quota" bigint DEFAULT 0,"request_count" integer DEFAULT 0,"group" varchar(32) DEFAULT 'default',"aff_code" varchar(32),"inviter_id" integer,PRIMARY KEY ("id"));
        CREATE INDEX IF NOT EXISTS "idx_users_username" ON "users" ("username");
        CREATE UNIQUE INDEX IF NOT EXISTS "idx_users_access_token" ON "users" ("access_token");
        CREATE UNIQUE INDEX IF NOT EXISTS "idx_users_aff_code" ON "users" ("aff_code");
        CREATE INDEX IF NOT EXISTS "idx_users_inviter_id" ON "users" ("inviter_id");
        CREATE TABLE "options" ("key" text,"value" text,PRIMARY KEY ("key"));
        CREATE TABLE "redemptions" ("id" bigserial,"user_id" bigint,"key" char(32),"status" bigint DEFAULT 1,"name" text,"quota" bigint DEFAULT 100,"created_time" bigint,"redeemed_time" bigint,PRIMARY KEY ("id"));
        CREATE UNIQUE INDEX IF NOT EXISTS "idx_redemptions_key" ON "redemptions" ("key");
        CREATE TABLE "abilities" ("group" varchar(32),"model" text,"channel_id" bigint,"enabled" boolean,"priority" bigint DEFAULT 0,PRIMARY KEY ("group","model","channel_id"));
        CREATE INDEX IF NOT EXISTS "idx_abilities_channel_id" ON "abilities" ("channel_id");
        CREATE TABLE "logs" ("id" bigserial,"user_id" bigint,"created_at" bigint,"type" bigint,"content" text,"username" text DEFAULT '',"token_name" text DEFAULT '',"model_name" text DEFAULT '',"quota" bigint DEFAULT 0,"prompt_tokens" bigint DEFAULT 0,"completion_tokens" bigint DEFAULT 0,"channel_id" bigint,"request_id" text DEFAULT '',"elapsed_time" bigint DEFAULT 0,"is_stream" boolean DEFAULT false,"system_prompt_reset" boolean DEFAULT false,PRIMARY KEY ("id"));
        CREATE INDEX IF NOT EXISTS "idx_created_at_type" ON "logs" ("created_at","type");
        CREATE INDEX IF NOT EXISTS "idx_logs_channel_id" ON "logs" ("channel_id");
        """;

    protected override string GormRows => """
        INSERT INTO "users" VALUES (1,'root','$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy','Root User',100,1,'','','','','','0123456789abcdef0123456789abcdef',500000000000000,10,2,'default','Ab3x',0);
        INSERT INTO "users" VALUES (2,'alice','$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy',NULL,1,1,NULL,NULL,NULL,NULL,NULL,NULL,1000,0,0,'vip',NULL,NULL);
        SELECT setval('users_id_seq', 2);
        INSERT INTO "tokens" VALUES (1,1,'Ab12Cd34Ef56Gh78A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6',1,'Initial Root Token',1700000000,1700000100,-1,0,true,0,NULL,'');
        INSERT INTO "channels" VALUES (1,1,'sk-proj-abc',1,'openai',0,1700000000,1700000500,321,'','',12.5,1700000600,'gpt-4o','default,vip',99,'{"gpt-4o":"gpt-4o-2024-08-06"}',10,'{}');
        INSERT INTO "channels" VALUES (2,14,'sk-ant-xyz',3,'claude',NULL,1600000000,NULL,NULL,NULL,NULL,NULL,NULL,'claude-3-5-sonnet-20241022','default',0,NULL,NULL,NULL);
        SELECT setval('channels_id_seq', 2);
        INSERT INTO "abilities" VALUES ('default','gpt-4o',1,true,10),('vip','gpt-4o',1,true,10),('default','claude-3-5-sonnet-20241022',2,false,NULL);
        INSERT INTO "options" VALUES ('QuotaPerUnit','500000');
        INSERT INTO "redemptions" VALUES (1,1,'0123456789abcdef0123456789abcdef',3,'gift',100000,1700000000,1700001000);
        INSERT INTO "logs" VALUES (1,1,1700000000,2,'model ratio 2.50','root','Initial Root Token','gpt-4o',1234,19,10,1,'req-1',850,true,false);
        INSERT INTO "logs" VALUES (2,2,1600000000,2,'old consume log','alice','k','gpt-3.5-turbo',30,10,5,NULL,'',0,false,false);
        SELECT setval('logs_id_seq', 2);
        """;
}

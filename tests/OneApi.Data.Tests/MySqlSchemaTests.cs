namespace OneApi.Data.Tests;

/// <summary>On the MySQL or MariaDB of <c>ONEAPI_TEST_MYSQL_DSN</c>.</summary>
public sealed class MySqlSchemaTests : ServerSchemaTests
{
    internal override async Task<ServerDatabase?> CreateDatabaseAsync() => await MySqlDatabase.CreateAsync();

    // GORM's MySQL types for one-api's models: Go int/int64 → bigint, type:int → int, *uint → bigint unsigned,
    // bool → boolean (tinyint(1)), float64 → double; a string without a size is varchar(191) when indexed, a key or
    // defaulted, else longtext; every column nullable but password; GORM's index names.
    protected override string GormSchema => """
        CREATE TABLE `channels` (`id` bigint AUTO_INCREMENT,`type` bigint DEFAULT 0,`key` text,`status` bigint DEFAULT 1,`name` varchar(191),`weight` bigint unsigned DEFAULT 0,`created_time` bigint,`test_time` bigint,`response_time` bigint,`base_url` varchar(191) DEFAULT '',`other` longtext,`balance` double,`balance_updated_time` bigint,`models` longtext,`group` varchar(32) DEFAULT 'default',`used_quota` bigint DEFAULT 0,`model_mapping` varchar(1024) DEFAULT '',`priority` bigint DEFAULT 0,`config` longtext,PRIMARY KEY (`id`),INDEX `idx_channels_name` (`name`));
        CREATE TABLE `tokens` (`id` bigint AUTO_INCREMENT,`user_id` bigint,`key` char(48),`status` bigint DEFAULT 1,`name` varchar(191),`created_time` bigint,`accessed_time` bigint,`expired_time` bigint DEFAULT -1,`remain_quota` bigint DEFAULT 0,`unlimited_quota` boolean DEFAULT false,`used_quota` bigint DEFAULT 0,`models` text,`subnet` varchar(191) DEFAULT '',PRIMARY KEY (`id`),UNIQUE INDEX `idx_tokens_key` (`key`),INDEX `idx_tokens_name` (`name`));
        CREATE TABLE `users` (`id` bigint AUTO_INCREMENT,`username` varchar(191) UNIQUE,`password` longtext NOT NULL,`display_name` varchar(191),`role` int DEFAULT 1,`status` int DEFAULT 1,`email` varchar(191),`github_id` varchar(191),`wechat_id` varchar(191),`lark_id` varchar(191),`oidc_id` varchar(191),`access_token` char(32),`quota` bigint DEFAULT 0,`used_quota` bigint DEFAULT 0,`request_count` int DEFAULT 0,`group` varchar(32) DEFAULT 'default',`aff_code` varchar(32),`inviter_id` int,PRIMARY KEY (`id`),INDEX `idx_users_username` (`username`),INDEX `idx_users_display_name` (`display_name`),INDEX `idx_users_email` (`email`),UNIQUE INDEX `idx_users_access_token` (`access_token`),UNIQUE INDEX `idx_users_aff_code` (`aff_code`),INDEX `idx_users_inviter_id` (`inviter_id`));
        CREATE TABLE `options` (`key` varchar(191),`value` longtext,PRIMARY KEY (`key`));
        CREATE TABLE `redemptions` (`id` bigint AUTO_INCREMENT,`user_id` bigint,`key` char(32),`status` bigint DEFAULT 1,`name` varchar(191),`quota` bigint DEFAULT 100,`created_time` bigint,`redeemed_time` bigint,PRIMARY KEY (`id`),UNIQUE INDEX `idx_redemptions_key` (`key`),INDEX `idx_redemptions_name` (`name`));
        CREATE TABLE `abilities` (`group` varchar(32),`model` varchar(191),`channel_id` bigint,`enabled` boolean,`priority` bigint DEFAULT 0,PRIMARY KEY (`group`,`model`,`channel_id`),INDEX `idx_abilities_channel_id` (`channel_id`),INDEX `idx_abilities_priority` (`priority`));
        CREATE TABLE `logs` (`id` bigint AUTO_INCREMENT,`user_id` bigint,`created_at` bigint,`type` bigint,`content` longtext,`username` varchar(191) DEFAULT '',`token_name` varchar(191) DEFAULT '',`model_name` varchar(191) DEFAULT '',`quota` bigint DEFAULT 0,`prompt_tokens` bigint DEFAULT 0,`completion_tokens` bigint DEFAULT 0,`channel_id` bigint,`request_id` varchar(191) DEFAULT '',`elapsed_time` bigint DEFAULT 0,`is_stream` boolean DEFAULT false,`system_prompt_reset` boolean DEFAULT false,PRIMARY KEY (`id`),INDEX `idx_logs_user_id` (`user_id`),INDEX `idx_created_at_type` (`created_at`,`type`),INDEX `index_username_model_name` (`model_name`,`username`),INDEX `idx_logs_token_name` (`token_name`),INDEX `idx_logs_channel_id` (`channel_id`),INDEX `idx_logs_request_id` (`request_id`));
        """;

    protected override string GormRows => """
        INSERT INTO `users` VALUES (1,'root','$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy','Root User',100,1,'','','','','','0123456789abcdef0123456789abcdef',500000000000000,10,2,'default','Ab3x',0);
        INSERT INTO `users` VALUES (2,'alice','$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy',NULL,1,1,NULL,NULL,NULL,NULL,NULL,NULL,1000,0,0,'vip',NULL,NULL);
        INSERT INTO `tokens` VALUES (1,1,'Ab12Cd34Ef56Gh78A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6',1,'Initial Root Token',1700000000,1700000100,-1,0,true,0,NULL,'');
        INSERT INTO `channels` VALUES (1,1,'sk-proj-abc',1,'openai',0,1700000000,1700000500,321,'','',12.5,1700000600,'gpt-4o','default,vip',99,'{"gpt-4o":"gpt-4o-2024-08-06"}',10,'{}');
        INSERT INTO `channels` VALUES (2,14,'sk-ant-xyz',3,'claude',NULL,1600000000,NULL,NULL,NULL,NULL,NULL,NULL,'claude-3-5-sonnet-20241022','default',0,NULL,NULL,NULL);
        INSERT INTO `abilities` VALUES ('default','gpt-4o',1,true,10),('vip','gpt-4o',1,true,10),('default','claude-3-5-sonnet-20241022',2,false,NULL);
        INSERT INTO `options` VALUES ('QuotaPerUnit','500000');
        INSERT INTO `redemptions` VALUES (1,1,'0123456789abcdef0123456789abcdef',3,'gift',100000,1700000000,1700001000);
        INSERT INTO `logs` VALUES (1,1,1700000000,2,'model ratio 2.50','root','Initial Root Token','gpt-4o',1234,19,10,1,'req-1',850,true,false);
        INSERT INTO `logs` VALUES (2,2,1600000000,2,'old consume log','alice','k','gpt-3.5-turbo',30,10,5,NULL,'',0,false,false);
        """;

    [Fact]
    public async Task FreshDatabase_EnsureSchema_GivesIndexedStringsGormsLengths()
    {
        await using var database = await MySqlDatabase.CreateAsync();
        if (database is null)
        {
            return;
        }

        await using (var db = database.CreateContext())
        {
            await SchemaInitializer.EnsureSchemaAsync(db);
        }

        Assert.Equal("varchar(191)", await database.ColumnTypeAsync("channels", "name"));
        Assert.Equal("varchar(191)", await database.ColumnTypeAsync("logs", "request_id"));
        Assert.Equal("varchar(191)", await database.ColumnTypeAsync("users", "username"));
        Assert.Equal("char(48)", await database.ColumnTypeAsync("tokens", "key"));
        Assert.Equal("longtext", await database.ColumnTypeAsync("channels", "models"));
        Assert.Equal("longtext", await database.ColumnTypeAsync("logs", "content"));
    }
}

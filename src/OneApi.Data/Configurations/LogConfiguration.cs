using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneApi.Data.Entities;

namespace OneApi.Data.Configurations;

internal sealed class LogConfiguration : IEntityTypeConfiguration<Log>
{
    public void Configure(EntityTypeBuilder<Log> log)
    {
        log.ToTable("logs");
        log.HasKey(l => l.Id);
        log.HasIndex(l => l.UserId);
        log.HasIndex(l => new { l.CreatedAt, l.Type }).HasDatabaseName("idx_created_at_type");
        log.Property(l => l.Username).HasDefaultValue("");
        log.Property(l => l.TokenName).HasDefaultValue("");
        log.Property(l => l.ModelName).HasDefaultValue("");
        log.Property(l => l.RequestId).HasDefaultValue("");
        log.HasIndex(l => new { l.ModelName, l.Username }).HasDatabaseName("index_username_model_name");
        log.HasIndex(l => l.TokenName);
        log.HasIndex(l => l.ChannelId);
        log.HasIndex(l => l.RequestId);
    }
}

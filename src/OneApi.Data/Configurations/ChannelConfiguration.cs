using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneApi.Data.Entities;

namespace OneApi.Data.Configurations;

internal sealed class ChannelConfiguration : IEntityTypeConfiguration<Channel>
{
    public void Configure(EntityTypeBuilder<Channel> channel)
    {
        channel.ToTable("channels");
        channel.HasKey(c => c.Id);
        channel.Property(c => c.Status).HasDefaultValue(ChannelStatus.Enabled);
        channel.HasIndex(c => c.Name);
        channel.Property(c => c.BaseUrl).HasDefaultValue("");
        channel.Property(c => c.Group).HasMaxLength(32).HasDefaultValue("default");
        channel.Property(c => c.ModelMapping).HasMaxLength(1024).HasDefaultValue("");
        channel.Property(c => c.Priority).HasDefaultValue(0L);
    }
}

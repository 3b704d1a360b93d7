using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneApi.Data.Entities;

namespace OneApi.Data.Configurations;

internal sealed class AbilityConfiguration : IEntityTypeConfiguration<Ability>
{
    public void Configure(EntityTypeBuilder<Ability> ability)
    {
        ability.ToTable("abilities");
        ability.HasKey(a => new { a.Group, a.Model, a.ChannelId });
        ability.Property(a => a.Group).HasMaxLength(32);
        ability.Property(a => a.Model).HasMaxLength(255);
        ability.HasIndex(a => a.ChannelId);
        ability.Property(a => a.Priority).HasDefaultValue(0L);
        ability.HasIndex(a => a.Priority);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneApi.Data.Entities;

namespace OneApi.Data.Configurations;

internal sealed class RedemptionConfiguration : IEntityTypeConfiguration<Redemption>
{
    public void Configure(EntityTypeBuilder<Redemption> redemption)
    {
        redemption.ToTable("redemptions");
        redemption.HasKey(r => r.Id);
        redemption.Property(r => r.Key).HasMaxLength(32).IsFixedLength();
        redemption.HasIndex(r => r.Key).IsUnique();
        redemption.Property(r => r.Status).HasDefaultValue(RedemptionStatus.Enabled);
        redemption.HasIndex(r => r.Name);
        redemption.Property(r => r.Quota).HasDefaultValue(100L);
    }
}

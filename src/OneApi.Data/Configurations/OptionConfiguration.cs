using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneApi.Data.Entities;

namespace OneApi.Data.Configurations;

internal sealed class OptionConfiguration : IEntityTypeConfiguration<Option>
{
    public void Configure(EntityTypeBuilder<Option> option)
    {
        option.ToTable("options");
        option.HasKey(o => o.Key);
        option.Property(o => o.Key).HasMaxLength(255);
    }
}

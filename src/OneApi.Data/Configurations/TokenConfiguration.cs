using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneApi.Data.Entities;

namespace OneApi.Data.Configurations;

internal sealed class TokenConfiguration : IEntityTypeConfiguration<Token>
{
    public void Configure(EntityTypeBuilder<Token> token)
    {
        token.ToTable("tokens");
        token.HasKey(t => t.Id);
        token.Property(t => t.Key).HasMaxLength(48).IsFixedLength();
        token.HasIndex(t => t.Key).IsUnique();
        token.Property(t => t.Status).HasDefaultValue(TokenStatus.Enabled);
        token.HasIndex(t => t.Name);
        token.Property(t => t.ExpiredTime).HasDefaultValue(-1L);
        token.Property(t => t.Subnet).HasDefaultValue("");
        token.HasIndex(t => t.UserId);
    }
}

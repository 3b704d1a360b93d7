using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneApi.Data.Entities;

namespace OneApi.Data.Configurations;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> user)
    {
        user.ToTable("users");
        user.HasKey(u => u.Id);
        // No length on the column: the API limits names to 12, but a soft-deleted user becomes "deleted_<uuid>" (40).
        user.HasIndex(u => u.Username).IsUnique();
        user.Property(u => u.Password).IsRequired();
        user.Property(u => u.DisplayName).HasMaxLength(20);
        user.HasIndex(u => u.DisplayName);
        user.Property(u => u.Role).HasDefaultValue(UserRole.Common);
        user.Property(u => u.Status).HasDefaultValue(UserStatus.Enabled);
        user.Property(u => u.Email).HasMaxLength(50);
        user.HasIndex(u => u.Email);
        user.Property(u => u.GitHubId).HasColumnName("github_id");
        user.HasIndex(u => u.GitHubId);
        user.Property(u => u.WeChatId).HasColumnName("wechat_id");
        user.HasIndex(u => u.WeChatId);
        user.HasIndex(u => u.LarkId);
        user.HasIndex(u => u.OidcId);
        user.Property(u => u.AccessToken).HasMaxLength(32).IsFixedLength();
        user.HasIndex(u => u.AccessToken).IsUnique();
        user.Property(u => u.Group).HasMaxLength(32).HasDefaultValue("default");
        user.Property(u => u.AffCode).HasMaxLength(32);
        user.HasIndex(u => u.AffCode).IsUnique();
        user.HasIndex(u => u.InviterId);
        // A default, so rows that one-api inserts (it does not know the column) start at version 0.
        user.Property(u => u.SessionVersion).HasDefaultValue(0);
    }
}

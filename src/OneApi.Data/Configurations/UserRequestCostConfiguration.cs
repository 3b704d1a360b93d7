using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneApi.Data.Entities;

namespace OneApi.Data.Configurations;

internal sealed class UserRequestCostConfiguration : IEntityTypeConfiguration<UserRequestCost>
{
    public void Configure(EntityTypeBuilder<UserRequestCost> cost)
    {
        cost.ToTable("user_request_costs");
        cost.HasKey(c => c.Id);
        cost.HasIndex(c => c.RequestId);
        cost.HasIndex(c => c.UserId);
        cost.HasIndex(c => c.CreatedTime);
    }
}

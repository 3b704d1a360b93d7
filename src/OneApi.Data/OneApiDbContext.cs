using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using OneApi.Data.Entities;

namespace OneApi.Data;

/// <summary>EF Core view of one-api's database: the same tables and columns, so an existing one-api database opens as it is.</summary>
public sealed class OneApiDbContext(DbContextOptions<OneApiDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Token> Tokens => Set<Token>();
    public DbSet<Channel> Channels => Set<Channel>();
    public DbSet<Ability> Abilities => Set<Ability>();
    public DbSet<Option> Options => Set<Option>();
    public DbSet<Redemption> Redemptions => Set<Redemption>();
    public DbSet<Log> Logs => Set<Log>();
    public DbSet<UserRequestCost> UserRequestCosts => Set<UserRequestCost>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(OneApiDbContext).Assembly);
        // one-api's GORM naming: snake_case columns, unless a configuration names the column itself.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                if (property.FindAnnotation(RelationalAnnotationNames.ColumnName) is null)
                {
                    property.SetColumnName(SnakeCase.From(property.Name));
                }
            }
        }
        if (DatabaseProviders.IsMySql(Database))
        {
            MySqlStringSizes.Apply(modelBuilder.Model);
        }
    }
}

using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Checkout.Tests.Builders;

/// <summary>
/// The checkout-core tests run once per database engine: each such class is abstract over the provider, with one
/// sealed subclass per engine at the end of its file, so every race and rule is proved on SQLite and PostgreSQL alike.
/// </summary>
public abstract class ProviderTests(DatabaseProvider provider)
{
    protected DatabaseProvider Provider { get; } = provider;

    protected Task<TestShop> CreateShopAsync(IDictionary<string, string?>? settings = null, IInterceptor[]? interceptors = null) =>
        TestShop.CreateAsync(settings, Provider, interceptors: interceptors);
}

/// <summary>
/// The PostgreSQL classes run one after another: each race opens up to a hundred connections, and the server's
/// connection limit is shared by all of them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection
{
    public const string Name = "PostgreSQL";
}

using Checkout.Web.Staff;
using Microsoft.AspNetCore.Identity;

namespace Checkout.Web.Admin;

/// <summary>
/// Creates the staff roles and the first admin from <c>Admin:Email</c> and <c>Admin:Password</c> when they are missing.
/// Runs as the host starts, after Program.cs has migrated the database. An existing account keeps its password (change
/// it in the database, not in configuration) but is put back in the role. A configured password that Identity's rules
/// refuse stops the start: an admin who cannot sign in is better found at once.
/// </summary>
public sealed partial class AdminAccountSeeder(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<AdminAccountSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in StaffRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), $"the {role} role");
            }
        }

        var email = configuration["Admin:Email"];
        var password = configuration["Admin:Password"];
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            LogNoAdminConfigured();
            return;
        }
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = await users.FindByNameAsync(email);
        if (user is null)
        {
            user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
            Check(await users.CreateAsync(user, password), $"the admin {email}");
            LogAdminCreated(email);
        }
        if (!await users.IsInRoleAsync(user, StaffRoles.Admin))
        {
            Check(await users.AddToRoleAsync(user, StaffRoles.Admin), $"the Admin role of {email}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"Could not create {what}: {string.Join(" ", result.Errors.Select(e => e.Description))} (configuration Admin:Email / Admin:Password)");
        }
    }

    [LoggerMessage(LogLevel.Information, "No Admin:Email and Admin:Password configured: no admin account is created")]
    private partial void LogNoAdminConfigured();

    [LoggerMessage(LogLevel.Information, "Created the admin account {Email}")]
    private partial void LogAdminCreated(string email);
}

using System.Management.Automation;
using System.Net;
using System.Security;
using System.Text;

namespace ParallelTools;

/// <summary>Builds the Authorization header from -Authentication, -Credential and -Token.</summary>
internal static class AuthorizationHeader
{
    public static string? From(string? authentication, PSCredential? credential, SecureString? token)
    {
        string scheme = authentication ?? (token is not null ? "Bearer" : credential is not null ? "Basic" : "");
        switch (scheme)
        {
            case "":
                return null;
            case "Bearer" when token is not null:
                return "Bearer " + new NetworkCredential("", token).Password;
            case "Basic" when credential is not null:
                var network = credential.GetNetworkCredential();
                string user = string.IsNullOrEmpty(network.Domain) ? network.UserName : $"{network.Domain}\\{network.UserName}";
                return "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{network.Password}"));
            default:
                throw new PSArgumentException(scheme == "Bearer"
                    ? "-Authentication Bearer needs -Token."
                    : "-Authentication Basic needs -Credential.");
        }
    }
}

using System.Text;

namespace ParallelTools.TestServer;

internal static partial class Endpoints
{
    private static async Task Echo(HttpContext context)
    {
        var request = context.Request;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(new
        {
            method = request.Method,
            protocol = request.Protocol,
            path = request.Path.Value,
            query = request.QueryString.Value,
            headers = request.Headers.ToDictionary(header => header.Key, header => header.Value.ToString()),
            body = Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length),
            bodyLength = body.Length,
            connection = context.Connection.Id, // the same id on a reused connection
        }, context.RequestAborted);
    }
}

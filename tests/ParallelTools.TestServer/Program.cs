using System.Globalization;
using System.Runtime.InteropServices;

namespace ParallelTools.TestServer;

/// <summary>
/// dotnet ParallelTools.TestServer.dll [--port N] [--file-root DIR] [--exit-on-stdin-eof]
/// Prints "listening http://127.0.0.1:PORT/" then "listening-h2 http://127.0.0.1:PORT2/" and serves
/// until Ctrl+C, SIGTERM, or (with --exit-on-stdin-eof) the end of stdin, so a dying parent takes it down.
/// </summary>
internal static class Program
{
    private const string Usage = "usage: ParallelTools.TestServer [--port N] [--file-root DIR] [--exit-on-stdin-eof]";

    private static async Task<int> Main(string[] args)
    {
        // Socket completions run on the threads that poll the sockets (two here; the setting is read
        // as the first socket opens), and with TestServerHost's inline scheduling each request runs
        // there to its end. On two cores shared with the clients under test, the hops to pool threads
        // were much of this server's cost: a bench client's 6,000 GETs of 64 KiB took it 0.27-0.60
        // CPU-s, now 0.18-0.33 (9 runs each); Invoke-AsyncFetch's passes went from 0.37-0.61 s to
        // 0.30-0.42 s, while aiohttp's took 1.18-1.48 s against either.
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        int port = 0;
        string? fileRoot = null;
        bool exitOnStdinEof = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535:
                    i++;
                    break;
                case "--file-root" when i + 1 < args.Length:
                    fileRoot = args[++i];
                    break;
                case "--exit-on-stdin-eof":
                    exitOnStdinEof = true;
                    break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        TestServerHost host;
        try
        {
            host = await TestServerHost.StartAsync(port, fileRoot);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopped = new ManualResetEventSlim();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.TrySetResult();
        };
        // Without a registration the runtime lets SIGTERM kill the process before anything is disposed.
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.TrySetResult();
        });
        // Any other exit path: the process ends once this handler returns, so give Main time to dispose the host.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            stop.TrySetResult();
            stopped.Wait(TimeSpan.FromSeconds(5));
        };

        try
        {
            await using (host)
            {
                Console.Out.WriteLine($"listening {host.BaseUri}");
                Console.Out.WriteLine($"listening-h2 {host.Http2BaseUri}");
                Console.Out.Flush();
                if (exitOnStdinEof)
                    _ = Task.Run(() => { DrainStdin(); stop.TrySetResult(); });
                await stop.Task;
            }
        }
        finally
        {
            stopped.Set();
        }
        return 0;
    }

    private static void DrainStdin()
    {
        using var stdin = Console.OpenStandardInput();
        var buffer = new byte[256];
        while (stdin.Read(buffer) > 0)
        {
        }
    }
}

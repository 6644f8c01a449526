using Incus.Helpers;
using Incus.Helpers.Net;
using Incus.Sdk.Helpers;

// The dnsmasqs are supervised from here; without this helper nobody would restart them, so they go with it.
return await HelperProgram.RunAsync<INetHelper>("net", args, NetHelperService.Capabilities,
    (options, context) => new NetHelperService(context, NetHelperState.Shared(options, message => Console.Error.WriteLine($"helper-net: {message}"))),
    stopping: () => NetHelperState.Existing?.Dnsmasq.StopAllAsync() ?? Task.CompletedTask);

using Incus.Helpers;
using Incus.Helpers.Net;
using Incus.Sdk.Helpers;

int exit = await HelperProgram.RunAsync<INetHelper>("net", args, NetHelperService.Capabilities,
    (options, context) => new NetHelperService(context, NetHelperState.Shared(options, message => Console.Error.WriteLine($"helper-net: {message}"))));
// The dnsmasqs are supervised from here; without this helper nobody would restart them, so they go too.
if (NetHelperState.Existing is { } state)
{
    await state.Dnsmasq.StopAllAsync();
}
return exit;

using Incus.Helpers;
using Incus.Helpers.Net;
using Incus.Sdk.Helpers;

return await HelperProgram.RunAsync<INetHelper>("net", args, NetHelperService.Capabilities,
    (options, context) => new NetHelperService(context, OwnedLinks.For(options.StateDirectory("net"))));

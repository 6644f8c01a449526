using Incus.Helpers;
using Incus.Helpers.Host;
using Incus.Platform;
using Incus.Sdk.Helpers;

// The host helper changes modes of root-owned files it owns as uid 0; that needs no capability.
return await HelperProgram.RunAsync<IHostHelper>("host", args, HostHelperService.Capabilities,
    (_, context) => new HostHelperService(context, HostHardening.Default));

using Incus.Helpers;
using Incus.Helpers.Lxc;
using Incus.Sdk.Helpers;

return await HelperProgram.RunAsync<IContainerHelper>("lxc", args, ContainerHelperService.Capabilities,
    (options, context) => new ContainerHelperService(context, new LxcPaths(options.IncusDir)));

using Incus.Helpers;
using Incus.Helpers.Instance;
using Incus.Sdk.Helpers;

return await HelperProgram.RunAsync<IStorageHelper>("instance", args, StorageHelperService.Capabilities,
    (options, context) => new StorageHelperService(context, StorageRoot.For(options.IncusDir)));

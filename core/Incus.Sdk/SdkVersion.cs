namespace Incus.Sdk;

/// <summary>The version of the driver contracts that this assembly carries.</summary>
public static class SdkVersion
{
    /// <summary>Semantic version of the SDK. Plugins declare a range of these in their manifest.</summary>
    public const string Current = "1.4.0";
}

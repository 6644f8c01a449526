namespace Incus.Api;

/// <summary>The status names and codes shared by operations and envelopes.</summary>
public sealed record OperationStatus(int Code, string Name)
{
    public static readonly OperationStatus Created = new(100, "Operation created");
    public static readonly OperationStatus Started = new(101, "Started");
    public static readonly OperationStatus Stopped = new(102, "Stopped");
    public static readonly OperationStatus Running = new(103, "Running");
    public static readonly OperationStatus Cancelling = new(104, "Cancelling");
    public static readonly OperationStatus Pending = new(105, "Pending");
    public static readonly OperationStatus Success = new(200, "Success");
    public static readonly OperationStatus Failure = new(400, "Failure");
    public static readonly OperationStatus Cancelled = new(401, "Cancelled");

    /// <summary>True once the operation can no longer change.</summary>
    public bool IsFinal => Code >= 200;
}

namespace Incus.Daemon.Api;

/// <summary>An error with the HTTP status the API answers with, in the Incus error envelope.</summary>
public sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static ApiException BadRequest(string message) => new(400, message);
    public static ApiException NotFound(string message = "not found") => new(404, message);
    public static ApiException Forbidden(string message = "not authorized") => new(403, message);
    public static ApiException PreconditionFailed(string message) => new(412, message);
}

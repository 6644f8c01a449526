using System.Text.Json;
using Incus.Api;
using Incus.Daemon.Api;
using Microsoft.AspNetCore.Http;

namespace Incus.Tests.Unit;

public sealed class EnvelopeWriterTests
{
    private static async Task<(HttpResponse Response, JsonElement Body)> Capture(Func<HttpResponse, Task> write)
    {
        var context = new DefaultHttpContext();
        var body = new MemoryStream();
        context.Response.Body = body;
        await write(context.Response);
        await context.Response.CompleteAsync();
        return (context.Response, JsonDocument.Parse(body.ToArray()).RootElement);
    }

    [Fact]
    public async Task SyncEnvelopeHasEveryFieldOfTheIncusShape()
    {
        var (response, body) = await Capture(r => EnvelopeWriter.SyncAsync(r, new { name = "it's" }, etag: "abc"));
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("\"abc\"", response.Headers.ETag.ToString());
        Assert.Equal("sync", body.GetProperty("type").GetString());
        Assert.Equal("Success", body.GetProperty("status").GetString());
        Assert.Equal(200, body.GetProperty("status_code").GetInt32());
        Assert.Equal("", body.GetProperty("operation").GetString());
        Assert.Equal(0, body.GetProperty("error_code").GetInt32());
        Assert.Equal("", body.GetProperty("error").GetString());
        Assert.Equal("it's", body.GetProperty("metadata").GetProperty("name").GetString());
    }

    [Fact]
    public async Task AsyncEnvelopeIs202WithLocation()
    {
        var operation = new Operation { Id = "0a1b", Status = "Running", StatusCode = 103 };
        var (response, body) = await Capture(r => EnvelopeWriter.AsyncAsync(r, operation));
        Assert.Equal(202, response.StatusCode);
        Assert.Equal("/1.0/operations/0a1b", response.Headers.Location.ToString());
        Assert.Equal("async", body.GetProperty("type").GetString());
        Assert.Equal("Operation created", body.GetProperty("status").GetString());
        Assert.Equal(100, body.GetProperty("status_code").GetInt32());
        Assert.Equal("/1.0/operations/0a1b", body.GetProperty("operation").GetString());
        Assert.Equal("0a1b", body.GetProperty("metadata").GetProperty("id").GetString());
    }

    [Fact]
    public async Task ErrorEnvelopeCarriesTheHttpStatus()
    {
        var (response, body) = await Capture(r => EnvelopeWriter.ErrorAsync(r, 403, "not authorized"));
        Assert.Equal(403, response.StatusCode);
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal("nosniff", response.Headers.XContentTypeOptions.ToString());
        Assert.Equal("error", body.GetProperty("type").GetString());
        Assert.Equal(403, body.GetProperty("error_code").GetInt32());
        Assert.Equal("not authorized", body.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("metadata").ValueKind);
        Assert.Equal(0, body.GetProperty("status_code").GetInt32());
    }

    [Fact]
    public async Task MalformedBodiesAreBadRequests()
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream("{\"config\":"u8.ToArray());
        var error = await Assert.ThrowsAsync<ApiException>(() => RequestBody.ReadAsync<ServerPut>(context.Request));
        Assert.Equal(400, error.Status);
    }
}

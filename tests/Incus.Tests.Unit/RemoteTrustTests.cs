using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Incus.Api;
using Incus.Daemon.Database;
using Incus.Daemon.Events;
using Incus.Daemon.Operations;
using Incus.Daemon.Remote;
using Incus.Daemon.Server;
using Incus.Platform;

namespace Incus.Tests.Unit;

/// <summary>The pure parts of the remote API: tokens, fingerprints, listen addresses, expiry durations, the trust store and token use.</summary>
public sealed class RemoteTrustTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    [Fact]
    public void TokenRoundTripsInTheShapeLxdClientsDecode()
    {
        var token = new TrustToken("laptop", new string('a', 64), ["10.0.0.1:8443"], "s3cret", new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        string encoded = token.Encode();
        string json = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        Assert.Contains("\"client_name\":\"laptop\"", json);
        Assert.Contains("\"addresses\":[\"10.0.0.1:8443\"]", json);
        Assert.Contains("\"expires_at\":\"2030-01-02T03:04:05+00:00\"", json);
        var decoded = TrustToken.TryDecode(encoded, out string? error);
        Assert.Null(error);
        Assert.Equal(token.Secret, decoded!.Secret);
        Assert.Equal(token.Addresses, decoded.Addresses);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("bm90IGpzb24=")] // "not json"
    [InlineData("eyJjbGllbnRfbmFtZSI6IngifQ==")] // {"client_name":"x"}: no addresses, secret or fingerprint
    public void IncompleteTokensAreRefused(string text)
    {
        Assert.Null(TrustToken.TryDecode(text, out string? error));
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("127.0.0.1:8443", "127.0.0.1", 8443, false)]
    [InlineData("127.0.0.1", "127.0.0.1", 8443, false)]
    [InlineData("[::1]:9000", "::1", 9000, false)]
    [InlineData("[::]", "::", 8443, true)]
    [InlineData("0.0.0.0:8443", "0.0.0.0", 8443, true)]
    [InlineData(":8443", "::", 8443, true)]
    [InlineData("::1", "::1", 8443, false)]
    public void ListenAddressesParse(string text, string address, int port, bool wildcard)
    {
        var parsed = HttpsListenAddress.TryParse(text, out string? error);
        Assert.Null(error);
        Assert.Equal(IPAddress.Parse(address), parsed!.Address);
        Assert.Equal(port, parsed.Port);
        Assert.Equal(wildcard, parsed.IsWildcard);
    }

    [Theory]
    [InlineData("example.com:8443")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("[::1:8443")]
    [InlineData("127.0.0.1:port")]
    public void BadListenAddressesAreRefused(string text) => Assert.Null(HttpsListenAddress.TryParse(text, out _));

    [Fact]
    public void ConfigKeysAreValidated()
    {
        Assert.Null(ServerConfigKeys.Validate("core.https_address", "[::]:8443"));
        Assert.Contains("IP address", ServerConfigKeys.Validate("core.https_address", "host.example"));
        Assert.Null(ServerConfigKeys.Validate("core.remote_token_expiry", "1d 12H"));
        Assert.NotNull(ServerConfigKeys.Validate("core.remote_token_expiry", "soon"));
    }

    [Theory]
    [InlineData("30S", 30)]
    [InlineData("2M", 120)]
    [InlineData("1d 1H", 90000)]
    [InlineData("1w", 604800)]
    public void ExpiryDurationsParse(string text, int seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), ExpiryDuration.TryParse(text));

    [Theory]
    [InlineData("")]
    [InlineData("0S")]
    [InlineData("5x")]
    [InlineData("H")]
    public void BadExpiryDurationsAreRefused(string text) => Assert.Null(ExpiryDuration.TryParse(text));

    [Fact]
    public void ServerCertificateIsEcdsaWithTheHostNameFirstAndAKeyThatMatches()
    {
        var (certificatePem, keyPem) = ServerCertificateFiles.Generate("node1", DateTimeOffset.UtcNow);
        using var certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        Assert.True(certificate.HasPrivateKey);
        Assert.NotNull(certificate.GetECDsaPublicKey());
        Assert.Equal("node1", new X509SubjectAlternativeNameExtension(certificate.Extensions["2.5.29.17"]!.RawData).EnumerateDnsNames().First());
        Assert.Equal(CertificateFingerprint.Of(certificate), Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)));
        Assert.Equal(64, CertificateFingerprint.Of(certificate).Length);
        Assert.Equal(certificate.RawData, CertificateFingerprint.Parse(Convert.ToBase64String(certificate.RawData))!.RawData);
        Assert.Equal(certificate.RawData, CertificateFingerprint.Parse(certificatePem)!.RawData);
        Assert.Null(CertificateFingerprint.Parse("garbage"));
    }

    [Fact]
    public void TrustStoreChangesAreSeenAtOnce()
    {
        using var database = new LocalDatabase(Path.Combine(_directory.Path, "local.db"));
        var store = new TrustStore(database);
        var certificate = new Certificate { Name = "a", Fingerprint = new string('b', 64), PemCertificate = "pem" };
        Assert.True(store.TryAdd(certificate));
        Assert.False(store.TryAdd(certificate));
        Assert.Equal("a", store.Find(certificate.Fingerprint)!.Name);
        Assert.Equal("a", new TrustStore(database).FindByPrefix("bbbb")!.Name);
        Assert.True(store.Remove(certificate.Fingerprint));
        Assert.Null(store.Find(certificate.Fingerprint));
    }

    [Fact]
    public async Task TokensWorkOnceAndNotAfterExpiry()
    {
        var tokens = new TrustTokens(new OperationManager(new EventHub()));
        var request = new PendingTrustRequest("client", false, []);
        var (_, token) = tokens.Create(request, new string('f', 64), ["127.0.0.1:8443"], TimeSpan.FromMinutes(5));
        Assert.Null(tokens.Use("wrong"));
        Assert.Equal(request, tokens.Use(token.Encode()));
        Assert.Null(tokens.Use(token.Encode()));

        var (operation, shortLived) = tokens.Create(request, new string('f', 64), ["127.0.0.1:8443"], TimeSpan.FromMilliseconds(50));
        await operation.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("Failure", operation.Snapshot().Status);
        Assert.Null(tokens.Use(shortLived.Secret));

        var (revoked, revokedToken) = tokens.Create(request, new string('f', 64), ["127.0.0.1:8443"], TimeSpan.FromMinutes(5));
        Assert.True(revoked.RequestCancel());
        await revoked.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(tokens.Use(revokedToken.Secret));
    }

    public void Dispose() => _directory.Dispose();
}

using Incus.Cli;

namespace Incus.Tests.Unit;

public sealed class EditedDocumentTests
{
    [Fact]
    public void WritableFieldsAreReadWithTheirTypes()
    {
        var edited = EditedDocument.Parse("""
            architecture: x86_64
            config:
              limits.processes: 100
              user.flag: true
              user.empty:
            devices:
              root: {type: disk, path: /, pool: default}
            ephemeral: false
            profiles: [default, extra]
            description: a description
            expanded_config: {user.ignored: x}
            """);
        Assert.Equal("x86_64", edited.Text("architecture"));
        Assert.Equal(new Dictionary<string, string> { ["limits.processes"] = "100", ["user.flag"] = "true", ["user.empty"] = "" }, edited.Map("config"));
        Assert.Equal("default", edited.Devices("devices")!["root"]["pool"]);
        Assert.False(edited.Boolean("ephemeral"));
        Assert.Equal(["default", "extra"], edited.Strings("profiles"));
        Assert.Equal("a description", edited.Text("description"));
    }

    [Fact]
    public void MissingFieldsAndEmptyDocumentsAreNull()
    {
        var edited = EditedDocument.Parse("");
        Assert.Null(edited.Map("config"));
        Assert.Null(edited.Devices("devices"));
        Assert.Null(edited.Boolean("ephemeral"));
        Assert.Null(edited.Strings("profiles"));
        Assert.Null(EditedDocument.Parse("config: {}\n").Text("description"));
    }

    [Theory]
    [InlineData("config: {a: [\n", "config", "invalid YAML at line 2")]
    [InlineData("[1, 2]\n", "config", "must be a mapping of fields")]
    [InlineData("config: [a]\n", "config", "\"config\" must be a mapping of keys to values")]
    [InlineData("config: {a: [1]}\n", "config", "\"config.a\" must be a single value")]
    [InlineData("devices: {root: [x]}\n", "devices", "\"devices.root\" must be a mapping")]
    [InlineData("devices: [root]\n", "devices", "\"devices\" must be a mapping of device names")]
    [InlineData("ephemeral: sometimes\n", "ephemeral", "must be true or false")]
    [InlineData("profiles: default\n", "profiles", "must be a list of names")]
    [InlineData("profiles: [[a]]\n", "profiles", "must be a list of names")]
    [InlineData("description: {a: b}\n", "description", "\"description\" must be a single value")]
    public void MisshapenFieldsAreNamedInTheError(string yaml, string field, string expected)
    {
        var error = Assert.Throws<CliException>(() =>
        {
            var edited = EditedDocument.Parse(yaml);
            _ = field switch
            {
                "config" => (object?)edited.Map(field),
                "devices" => edited.Devices(field),
                "ephemeral" => edited.Boolean(field),
                "profiles" => edited.Strings(field),
                _ => edited.Text(field),
            };
        });
        Assert.Contains(expected, error.Message);
    }
}

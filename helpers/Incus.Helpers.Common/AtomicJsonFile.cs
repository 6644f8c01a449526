using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Incus.Helpers;

/// <summary>Helper state files, replaced write-then-rename so a crash leaves the old or the new content, never half of one.</summary>
public static class AtomicJsonFile
{
    public static void Write<T>(string path, T value, JsonTypeInfo<T> typeInfo)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(value, typeInfo));
        File.Move(temporary, path, overwrite: true);
    }
}
